import fs from "node:fs";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createS3Client } from "../../lib/storage/s3-client";
import { s3Config } from "../../lib/storage/s3-config";
import { dataObjects, startCeph } from "../../lib/testing/ceph";
import { engineDir, type EngineProcess } from "../../lib/testing/engine-process";

// scripts/cluster/ceph.sh on its own: memstore keeps every object's data in memory, so what is deleted must leave it.
let dir: string;
let ceph: EngineProcess;
let client: S3Client;
const Bucket = "hangar";
const MiB = 1024 * 1024;

beforeAll(async () => {
  dir = engineDir("ceph-gc");
  ceph = await startCeph(dir);
  client = createS3Client(s3Config(ceph.settings));
}, 180_000);

afterAll(async () => {
  client.destroy();
  await ceph.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A multipart upload of `parts` parts of 5 MiB under `Key`, as the upload area writes one; completed or not. */
async function multipart(Key: string, parts: number, complete: boolean): Promise<void> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const done: { PartNumber: number; ETag?: string }[] = [];
  for (let PartNumber = 1; PartNumber <= parts; PartNumber++) {
    const { ETag } = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: Buffer.alloc(5 * MiB, PartNumber) }));
    done.push({ PartNumber, ETag });
  }
  if (complete) await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: done } }));
  else await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
}

// Regression (issue 13): with RGW's default garbage collection (2 hours after a deletion) the data of deleted images
// and aborted uploads stayed in memstore until the OSD was full, and a full OSD blocks writes without an error: a
// benchmark's PATCH waited forever for its parts.
it("gives a deleted object's data and an aborted upload's parts back within seconds", async () => {
  await client.send(new PutObjectCommand({ Bucket, Key: "plain", Body: Buffer.alloc(12 * MiB, 1) }));
  await multipart("completed", 3, true);
  await multipart("aborted", 2, false);
  const before = await dataObjects(dir);
  // The objects' heads and the parts' tails: RGW stripes data into RADOS objects of 4 MiB.
  expect(before.length).toBeGreaterThan(6);
  await client.send(new DeleteObjectCommand({ Bucket, Key: "plain" }));
  await client.send(new DeleteObjectCommand({ Bucket, Key: "completed" }));
  let left = before;
  for (const deadline = Date.now() + 60_000; left.length > 0 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 1000))) {
    left = await dataObjects(dir);
  }
  expect(left).toEqual([]);
}, 120_000);
