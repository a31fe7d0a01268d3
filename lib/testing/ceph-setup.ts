import fs from "node:fs";
import { startCeph } from "./ceph";
import { engineDir } from "./engine-process";

/**
 * Global setup of Vitest's "s3" and "postgresql-s3" projects: one single-node Ceph (memstore) with its RGW for
 * the run, named in HANGAR_TEST_S3; each suite makes its own bucket (lib/testing/ceph.ts). The second project to
 * ask shares the first one's engine (global setups run in one process, and tear down when the whole run ends).
 * Stopped at teardown, and by its parent-death signal if Vitest dies first.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.HANGAR_TEST_S3) return () => Promise.resolve();
  const dir = engineDir("ceph");
  const engine = await startCeph(dir);
  process.env.HANGAR_TEST_S3 = JSON.stringify(engine.settings);
  return async () => {
    delete process.env.HANGAR_TEST_S3;
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
