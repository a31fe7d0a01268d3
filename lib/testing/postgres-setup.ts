import fs from "node:fs";
import { engineDir } from "./engine-process";
import { startPostgres } from "./postgres";

/**
 * Global setup of Vitest's "postgresql" project: one PostgreSQL server for the run, with the
 * migrated template each suite's database is copied from, named in HANGAR_TEST_POSTGRES. Stopped at
 * teardown, and by its parent-death signal if Vitest dies first.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = engineDir("postgres");
  const { url, engine } = await startPostgres(dir);
  process.env.HANGAR_TEST_POSTGRES = url;
  return async () => {
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
