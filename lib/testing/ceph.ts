import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createS3Client } from "../storage/s3-client";
import { type S3Config, s3Config } from "../storage/s3-config";
import { type EngineProcess, startEngine } from "./engine-process";

/** A single-node Ceph with its RGW (scripts/cluster/ceph.sh in `dir`); `settings` are its HANGAR_S3_* variables. */
export function startCeph(dir: string, options: { bluestore?: string } = {}): Promise<EngineProcess> {
  return startEngine("ceph.sh", [dir, ...(options.bluestore ? ["--bluestore", options.bluestore] : [])]);
}

/** A bucket of its own for one suite, on the run's RGW. */
export interface TestBucket {
  config: S3Config;
  client: S3Client;
  /** Objects and multipart uploads in progress, for tests that check nothing is left behind. */
  contents(): Promise<{ objects: string[]; uploads: string[] }>;
  /** Empties and removes the bucket. */
  drop(): Promise<void>;
}

/**
 * The S3 settings of the run's RGW: HANGAR_TEST_S3 (JSON of the HANGAR_S3_* variables), set by
 * Vitest's "s3" project (lib/testing/ceph-setup.ts). Not HANGAR_S3_* themselves, which would turn
 * the store to S3 in every other project's servers too.
 */
function runSettings(): Record<string, string> {
  const json = process.env.HANGAR_TEST_S3;
  if (!json) throw new Error("These tests need the run's Ceph RGW in HANGAR_TEST_S3 (Vitest's s3 project starts one)");
  return JSON.parse(json) as Record<string, string>;
}

/** A bucket's objects and multipart uploads in progress. */
export async function bucketContents(client: S3Client, Bucket: string): Promise<{ objects: string[]; uploads: string[] }> {
  const objects: string[] = [];
  const uploads: string[] = [];
  for (let token: string | undefined, more = true; more;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket, ContinuationToken: token }));
    objects.push(...(page.Contents ?? []).map((object) => object.Key ?? ""));
    token = page.NextContinuationToken;
    more = page.IsTruncated === true;
  }
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket }));
  for (const upload of listed.Uploads ?? []) uploads.push(`${upload.Key ?? ""} ${upload.UploadId ?? ""}`);
  return { objects, uploads };
}

export async function createTestBucket(settings: Record<string, string> = runSettings()): Promise<TestBucket> {
  const bucket = `hangar-test-${randomBytes(6).toString("hex")}`;
  const config = s3Config({ ...settings, HANGAR_S3_BUCKET: bucket });
  const client = createS3Client(config);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    config,
    client,
    contents: () => bucketContents(client, bucket),
    async drop() {
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      for (const upload of listed.Uploads ?? []) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      }
      const { objects } = await bucketContents(client, bucket);
      for (let i = 0; i < objects.length; i += 1000) {
        await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.slice(i, i + 1000).map((Key) => ({ Key })) } }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      client.destroy();
    },
  };
}
