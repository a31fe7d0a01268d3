/**
 * Validation from S3 benchmark: `npm run bench:validate-s3`.
 *
 * The Debian 12 guest of `bench:guest` (scripts/bench/guest-image.sh, qcow2, 4 GiB virtual) validated as the
 * server validates an upload (validateImage: format check, inspection on the pool's worker, disk digest), once
 * stored in a single-node Ceph's RGW (memstore, scripts/cluster/ceph.sh) and once in a directory: the baseline,
 * in the same run. Reports the bytes each step brought from the store (hangar_validation_store_read_bytes_total)
 * and the time, as ratios against the directory.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { storeImageFile } from "../../lib/catalog/register";
import { validationsSettled } from "../../lib/catalog/validation";
import type { CatalogDeps } from "../../lib/catalog/deps";
import { validationBytesRead } from "../../lib/metrics/metrics";
import { LocalImageStore } from "../../lib/storage/local-store";
import { createTestBucket, startCeph } from "../../lib/testing/ceph";
import { makeUploadTestEnv } from "../../lib/testing/upload-env";

const MiB = 1024 * 1024;
const mib = (bytes: number) => (bytes < MiB ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / MiB).toFixed(1)} MiB`);
const STEPS = ["format", "inspection", "digest"] as const;

async function bytesByStep(): Promise<Record<string, number>> {
  const { values } = await validationBytesRead.get();
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels.step), value]));
}

/** Stores a copy of `file` through `deps` and validates it; the bytes each step read, and the time of the validation. */
async function validate(deps: CatalogDeps, creator: Parameters<typeof storeImageFile>[1]["creator"], file: string, scratch: string, name: string) {
  const copy = path.join(scratch, `${name}${path.extname(file)}`);
  fs.copyFileSync(file, copy);
  const before = await bytesByStep();
  const stored = await storeImageFile(deps, { creator, target: { visibility: "private", projectId: null }, name, filePath: copy, properties: {} });
  if (!stored.ok) throw new Error(stored.error.message);
  const start = performance.now();
  await validationsSettled();
  const ms = performance.now() - start;
  const after = await bytesByStep();
  const row = await deps.db.image.findUniqueOrThrow({ where: { id: stored.value.id } });
  if (row.status !== "ready") throw new Error(`${name}: ${row.status} (${row.report ?? ""})`);
  return { ms, read: Object.fromEntries(STEPS.map((step) => [step, (after[step] ?? 0) - (before[step] ?? 0)])) };
}

async function main(): Promise<void> {
  const images = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  const file = path.join(images, "debian12.qcow2");
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-validate-s3-"));
  console.log("Starting Ceph (memstore)...");
  const ceph = await startCeph(path.join(scratch, "ceph"));
  try {
    const bucket = await createTestBucket(ceph.settings);
    const env = await makeUploadTestEnv({}, { s3: bucket });
    try {
      // The same catalog with its images in a directory: the baseline.
      const onDisk = { ...env.deps, store: new LocalImageStore(path.join(env.dir, "images")) };
      const local = await validate(onDisk, env.alice, file, scratch, "debian-local");
      const s3 = await validate(env.uploads, env.alice, file, scratch, "debian-s3");
      console.log(
        `\nload average at the end: ${os
          .loadavg()
          .map((load) => load.toFixed(1))
          .join(", ")} (${os.cpus().length} cores)`,
      );
      console.log(`\ndebian12.qcow2 (${mib(fs.statSync(file).size)}, 4 GiB virtual), one validation each`);
      console.log("| step | directory: read | S3: brought | ratio |");
      console.log("|---|---|---|---|");
      for (const step of STEPS)
        console.log(`| ${step} | ${mib(local.read[step])} | ${mib(s3.read[step])} | ${(s3.read[step] / local.read[step]).toFixed(2)} |`);
      console.log(`| validation time | ${local.ms.toFixed(0)} ms | ${s3.ms.toFixed(0)} ms | ${(s3.ms / local.ms).toFixed(2)} |`);
    } finally {
      await env.close();
      await bucket.drop();
    }
  } finally {
    await ceph.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
