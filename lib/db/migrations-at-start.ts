import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { ConfigError } from "../config-error";
import type { Env } from "../env";
import { pendingMigrations } from "./migrate";
import { databaseUrl } from "./url";

/** `prisma migrate deploy`, as `npm run db:migrate` runs it: the engine and migrations that prisma.config.ts picks from DATABASE_URL. */
function migrateDeploy(url: string): void {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  const result = spawnSync(process.execPath, [cli, "migrate", "deploy"], { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });
  if (result.status !== 0)
    throw new ConfigError(`applying the migrations failed (prisma migrate deploy exited with ${result.status ?? result.signal}); see above.`);
}

const listed = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", "));

/**
 * Before the server touches the database: a database with migrations of this release not applied stops the start
 * with a message saying how to apply them, unless HANGAR_MIGRATE_AT_START=1, which applies them first (on
 * PostgreSQL, Prisma takes a lock, so nodes that start together apply them once). Answers what it applied.
 */
export async function migrationsAtStart(env: Env = process.env, url = databaseUrl()): Promise<string[]> {
  const pending = await pendingMigrations(url);
  if (pending.length === 0) return [];
  const count = `${pending.length} migration${pending.length > 1 ? "s" : ""}`;
  if (env.HANGAR_MIGRATE_AT_START !== "1")
    throw new ConfigError(
      `the database has ${count} of this release not applied (${listed(pending)}). Apply them with \`npm run db:migrate\` (with the same DATABASE_URL), or start with HANGAR_MIGRATE_AT_START=1 to apply them now.`,
    );
  console.log(`migrations: applying ${count} (HANGAR_MIGRATE_AT_START=1)`);
  migrateDeploy(url);
  const left = await pendingMigrations(url);
  if (left.length > 0) throw new ConfigError(`after prisma migrate deploy, ${listed(left)} still are not applied.`);
  return pending;
}
