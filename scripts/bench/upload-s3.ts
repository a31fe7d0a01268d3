/**
 * Uploads on several nodes benchmark: `npm run bench:upload-s3`.
 *
 * The measures behind three choices of docs/decisions.md ("Uploads on S3"), in one run, as ratios:
 * 1. The SHA-256 of an upload whose PATCHes land on several nodes. Node's hash state cannot leave its process, so
 *    either a JavaScript SHA-256 whose state can be saved (@noble/hashes) runs on every byte received, or the node
 *    that finishes reads the stored object back once from RGW and hashes it with Node's. Both against Node's own
 *    SHA-256 of the same bytes in memory (the baseline: what one node hashing as it receives costs).
 * 2. The finish's move of a completed multipart upload to the image's key, server-side (CopyObject), against
 *    uploading the same bytes again from the node (what a finish through the node would cost at least).
 * 3. The lock handover: a request on one node waiting for an upload's lock held by another node's request, which lets
 *    go after tus's lock drain (LOCK_DRAIN_MS); the wait against the drain itself.
 * Starts its own single-node Ceph (memstore) and PostgreSQL in a scratch directory.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { sha256 } from "@noble/hashes/sha2.js";
import { PostgresUploadLocker } from "../../lib/cluster/upload-locker";
import { createS3Client } from "../../lib/storage/s3-client";
import { s3Config } from "../../lib/storage/s3-config";
import { S3ImageStore } from "../../lib/storage/s3-store";
import { startCeph } from "../../lib/testing/ceph";
import { engineDir } from "../../lib/testing/engine-process";
import { createPostgresDatabase, startPostgres } from "../../lib/testing/postgres";
import { LOCK_DRAIN_MS } from "../../lib/uploads/tus-server";

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 256) * MiB;
const RUNS = 3;
const HANDOVERS = 15;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function main() {
  // The engines' directories, which their own users (postgres) must reach: engineDir's, outside any private temp dir.
  const scratch = engineDir("bench-upload-s3");
  const ceph = await startCeph(path.join(scratch, "ceph"));
  const postgres = await startPostgres(path.join(scratch, "postgres"));
  try {
    const config = s3Config({ ...ceph.settings, HANGAR_S3_BUCKET: "bench-uploads" });
    const client = createS3Client(config);
    await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
    const store = new S3ImageStore(config, { partSize: 16 * MiB }, client);
    const file = path.join(scratch, "source");
    const chunk = randomBytes(16 * MiB);
    fs.writeFileSync(file, Buffer.concat(Array.from({ length: SIZE / chunk.length }, () => chunk)));
    const bytes = fs.readFileSync(file);
    // The completed upload, as @tus/s3-store leaves it: a multipart object at the bucket's top level.
    const uploadKey = "0123456789abcdef0123456789abcdef";
    await store.putFile(uploadKey, file);

    const rounds = { node: [] as number[], noble: [] as number[], fromStore: [] as number[], copy: [] as number[], upload: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      rounds.node.push(await timed(() => createHash("sha256").update(bytes).digest("hex")));
      rounds.noble.push(await timed(() => sha256(bytes)));
      const key = `image${run}aaaaaaaa`;
      rounds.copy.push(await timed(() => store.adoptObject(key, uploadKey, SIZE)));
      rounds.fromStore.push(
        await timed(async () => {
          const hash = createHash("sha256");
          await pipeline(store.openRead(key), hash);
          return hash.digest("hex");
        }),
      );
      // Back where the next round moves it from, through the node this time: the cost a server-side move saves.
      rounds.upload.push(await timed(() => store.putFile(uploadKey, file)));
      await store.remove(key);
    }

    const database = await createPostgresDatabase(postgres.url);
    const holderNode = new PostgresUploadLocker(database.url);
    const waiterNode = new PostgresUploadLocker(database.url);
    const waits: number[] = [];
    const never = new AbortController().signal;
    for (let round = 0; round < HANDOVERS; round++) {
      const id = randomBytes(16).toString("hex");
      const held = holderNode.newLock(id);
      // As tus does on a release request: the PATCH goes on for the drain, ends, and unlocks.
      await held.lock(never, () => void setTimeout(() => void held.unlock(), LOCK_DRAIN_MS));
      const waiting = waiterNode.newLock(id);
      waits.push(await timed(() => waiting.lock(never, () => undefined)));
      await waiting.unlock();
    }
    await Promise.all([holderNode.close(), waiterNode.close()]);
    await database.drop();

    const m = (values: number[]) => median(values);
    const node = m(rounds.node);
    console.log(`SHA-256 of ${SIZE / MiB} MiB, median of ${RUNS} (baseline: Node's SHA-256 in memory, ${ms(node)}):`);
    console.log(`  @noble/hashes (state that can be saved), on every byte received: ${ms(m(rounds.noble))}, ${(m(rounds.noble) / node).toFixed(1)}x`);
    console.log(`  read back from RGW once and hashed with Node's:                   ${ms(m(rounds.fromStore))}, ${(m(rounds.fromStore) / node).toFixed(1)}x`);
    console.log(`The finish's move to the image key (baseline: the same bytes uploaded again from the node, ${ms(m(rounds.upload))}):`);
    console.log(`  CopyObject on RGW: ${ms(m(rounds.copy))}, ${(m(rounds.copy) / m(rounds.upload)).toFixed(2)}x`);
    console.log(
      `Lock handover between two nodes, median of ${HANDOVERS}: ${ms(m(waits))} (max ${ms(Math.max(...waits))}); the drain alone is ${LOCK_DRAIN_MS} ms: ${(m(waits) / LOCK_DRAIN_MS).toFixed(2)}x`,
    );
    client.destroy();
  } finally {
    await postgres.engine.stop();
    await ceph.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
