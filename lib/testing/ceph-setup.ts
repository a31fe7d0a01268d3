import fs from "node:fs";
import { startCeph } from "./ceph";
import { engineDir } from "./engine-process";

/**
 * Global setup of Vitest's "s3" project: one single-node Ceph (memstore) with its RGW for the run,
 * named in HANGAR_TEST_S3; each suite makes its own bucket (lib/testing/ceph.ts). Stopped at
 * teardown, and by its parent-death signal if Vitest dies first.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = engineDir("ceph");
  const engine = await startCeph(dir);
  process.env.HANGAR_TEST_S3 = JSON.stringify(engine.settings);
  return async () => {
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
