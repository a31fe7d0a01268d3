import fs from "node:fs";
import path from "node:path";

/** Where Hangar keeps its database and image bytes: HANGAR_DATA_DIR, else ./data. */
export function dataDir(): string {
  // The data directory is runtime configuration, not a build input: keep the bundler from tracing it.
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), process.env.HANGAR_DATA_DIR ?? "data");
}

/** The SQLite URL the portal uses: DATABASE_URL, else hangar.db in the data directory (created if missing). */
export function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  return `file:${path.join(dir, "hangar.db")}`;
}
