import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** Where `npm run build` (scripts/build-cli.ts) writes the `hangar` bundle, below the project's root. */
export const CLI_BUNDLE_FILE = "dist/cli/hangar";

export interface CliBundle {
  bytes: Buffer;
  sha256: string;
}

/**
 * The built bundle as the portal serves it (app/cli/hangar), read on each request so that a
 * rebuild is served at once; null when it has not been built. 1 MiB read and hashed costs a few ms.
 */
export async function readCliBundle(root = process.cwd()): Promise<CliBundle | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.join(root, CLI_BUNDLE_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Whether `npm run build` has made the bundle, for Settings to offer it or say why not. */
export async function cliBundleBuilt(root = process.cwd()): Promise<boolean> {
  return fs.access(path.join(root, CLI_BUNDLE_FILE)).then(
    () => true,
    () => false,
  );
}

/** The bundle's checksum line as `sha256sum -c` reads it: run in the directory the file was saved to, under the name hangar. */
export const sha256Line = (bundle: CliBundle) => `${bundle.sha256}  ${path.basename(CLI_BUNDLE_FILE)}\n`;

/** The portal's answer for the bundle or its checksum before `npm run build` has made them. */
export function notBuiltResponse(): Response {
  return new Response("The hangar command has not been built on this server: its administrator runs npm run build.\n", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
