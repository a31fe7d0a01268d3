import fs from "node:fs";
import { engineDir } from "./engine-process";
import { startPostgres } from "./postgres";

/**
 * Global setup of Vitest's "postgresql" and "s3" projects: one PostgreSQL server for the run, with the
 * migrated template each suite's database is copied from, named in HANGAR_TEST_POSTGRES. The second project to
 * ask shares the first one's server (global setups run in one process, and tear down when the whole run ends).
 * Stopped at teardown, and by its parent-death signal if Vitest dies first.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.HANGAR_TEST_POSTGRES) return () => Promise.resolve();
  const dir = engineDir("postgres");
  const { url, engine } = await startPostgres(dir);
  process.env.HANGAR_TEST_POSTGRES = url;
  return async () => {
    delete process.env.HANGAR_TEST_POSTGRES;
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
