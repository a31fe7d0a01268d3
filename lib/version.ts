import packageJson from "../package.json" with { type: "json" };

/** Hangar's release (package.json): the server's, and that of the `hangar` bundle built with it. */
export const HANGAR_VERSION: string = packageJson.version;
