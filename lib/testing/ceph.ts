import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
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

const run = promisify(execFile);

/** RGW's pool of object data, where a deleted object's bytes stay until its garbage collector takes them. */
const DATA_POOL = "default.rgw.buckets.data";

/** The RADOS objects that hold object data in the Ceph that startCeph made in `cephDir`: what memstore keeps in memory. */
export async function dataObjects(cephDir: string): Promise<string[]> {
  const { stdout } = await run("rados", ["-c", path.join(cephDir, "ceph.conf"), "-p", DATA_POOL, "ls"], { timeout: 30_000 });
  return stdout.split("\n").filter(Boolean);
}

/** Runs RGW's garbage collector now, on everything deleted so far, whatever its wait: a benchmark's runs each start on an empty OSD. */
export async function collectGarbage(cephDir: string): Promise<void> {
  await run("radosgw-admin", ["-c", path.join(cephDir, "ceph.conf"), "gc", "process", "--include-all"], { timeout: 120_000 });
}

/** A RADOS gateway a test started itself, on a Ceph of its own, that it may kill and start again. */
export interface Gateway {
  endpoint: string;
  /** Kills it (SIGKILL by default: a crash) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A second gateway ("client.rgw.restart") on the Ceph that startCeph made in `cephDir`, on `port`: the engine's own
 * gateway is one of its essential daemons (scripts/cluster/lib.sh), whose end stops the whole engine.
 */
export async function startGateway(cephDir: string, port: number): Promise<Gateway> {
  let child: ReturnType<typeof spawn> | null = null;
  const gateway: Gateway = {
    endpoint: `http://127.0.0.1:${port}`,
    async kill(signal = "SIGKILL") {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill(signal);
      await exited;
    },
    async start() {
      const conf = path.join(cephDir, "ceph.conf");
      const frontends = `beast endpoint=127.0.0.1:${port} tcp_nodelay=1`;
      child = spawn(
        "setpriv",
        ["--pdeathsig", "SIGKILL", "radosgw", "-c", conf, "-n", "client.rgw.restart", "-f", "--rgw_frontends", frontends, "--rgw_dns_name", "127.0.0.1"],
        {
          stdio: "ignore",
        },
      );
      for (let tries = 0; tries < 600; tries++) {
        if (child.exitCode !== null) throw new Error(`radosgw exited with ${child.exitCode} (logs in ${cephDir}/log)`);
        if (await accepting(port)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`radosgw did not listen on ${port} within 60 s (logs in ${cephDir}/log)`);
    },
  };
  await gateway.start();
  return gateway;
}

/** A bucket of its own for one suite, on the run's RGW. */
export interface TestBucket {
  config: S3Config;
  /** The HANGAR_S3_* variables that point a server at this bucket, as an operator sets them. */
  env: Record<string, string>;
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
  const env = { ...settings, HANGAR_S3_BUCKET: bucket };
  const config = s3Config(env);
  const client = createS3Client(config);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    config,
    env,
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
