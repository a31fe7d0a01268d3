import { version } from "../package.json";

/** Hangar's release (package.json): the server's, and that of the `hangar` bundle built with it. */
export const HANGAR_VERSION: string = version;
