import fs from "node:fs";
import path from "node:path";

/** Where Hangar keeps its database and image bytes: HANGAR_DATA_DIR, else ./data. */
export function dataDir(): string {
  // The data directory is runtime configuration, not a build input: keep the bundler from tracing it.
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), process.env.HANGAR_DATA_DIR ?? "data");
}

/** The database URL the portal uses: DATABASE_URL, else hangar.db in the data directory (created if missing). */
export function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  return `file:${path.join(dir, "hangar.db")}`;
}

/** The database engines Hangar runs on; the URL's scheme chooses. */
export type DatabaseProvider = "sqlite" | "postgresql";

/** `file:` is SQLite, `postgresql://` or `postgres://` PostgreSQL; anything else is a configuration error. */
export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  // Only the scheme: the rest of a URL may hold a password.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(`DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); it starts with ${scheme ? `"${scheme}:"` : "no scheme"}.`);
}
