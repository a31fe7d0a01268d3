import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { migrateAdapter } from "./lib/db/postgres-migrate-adapter";
import { PROVIDERS } from "./lib/db/providers";
import { databaseProvider, databaseUrl } from "./lib/db/url";

// The schema's datasource reads DATABASE_URL; give it the same default the app uses.
process.env.DATABASE_URL ??= databaseUrl();
const url = process.env.DATABASE_URL;
// The URL's scheme chooses the engine, and with it the schema and migrations (lib/db/providers.ts).
const provider = databaseProvider(url);

// The JS schema engine (WebAssembly) leaves a 10 s timer behind on PostgreSQL, which kept
// `migrate deploy` alive for 10 s after it had finished. This file runs only in Prisma's CLI
// process: there, long timers do not hold the process open (they still fire while it runs).
const setTimer = globalThis.setTimeout;
globalThis.setTimeout = ((callback: () => void, ms?: number, ...args: unknown[]) => {
  // Node's timer object (the DOM typing says number).
  const timer = setTimer(callback, ms, ...args) as unknown as NodeJS.Timeout;
  if ((ms ?? 0) >= 5000) timer.unref();
  return timer;
}) as typeof setTimeout;

// Prisma's migrate engine is a native download; the JS engine with a driver adapter works
// offline, which is what a fresh machine without internet needs.
export default defineConfig({
  schema: PROVIDERS[provider].schema,
  migrations: { path: PROVIDERS[provider].migrations },
  experimental: { adapter: true },
  engine: "js",
  adapter: () => Promise.resolve(provider === "postgresql" ? migrateAdapter(url) : new PrismaBetterSQLite3({ url })),
});
