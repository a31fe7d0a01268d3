import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createToken } from "../auth/tokens";
import { validationsSettled } from "../catalog/validation";
import { watchOutages } from "../http/engine-outage";
import { answerFailure } from "../server/raw-failure";
import { createTestBucket, type Gateway, startCeph, startGateway, type TestBucket } from "../testing/ceph";
import { engineDir, type EngineProcess } from "../testing/engine-process";
import { patchInTwo, resumeThroughOutage } from "../testing/engine-restart";
import { freePort } from "../testing/hangar-process";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { GiB } from "./config";
import { uploadRoute } from "./route";

// The upload area on S3 (lib/uploads/s3-area.ts) behind a gateway that crashes while a PATCH is mid-body and comes
// back: the PATCH is not a 500, the client meets 503s while the gateway is away, resumes with tus-js-client, and the
// image's object ends with the source's SHA-256, with no multipart upload or part left behind. On a Ceph of its own
// (the run's gateway serves other suites), with the route answered as Hangar's server answers raw routes.

const MiB = 1024 * 1024;
let dir: string;
let ceph: EngineProcess;
let gateway: Gateway;
let bucket: TestBucket;
let env: UploadTestEnv;
let server: http.Server;
let url: string;
let token: string;

beforeAll(async () => {
  dir = engineDir("rgw-restart");
  ceph = await startCeph(dir);
  gateway = await startGateway(dir, await freePort());
  bucket = await createTestBucket({ ...ceph.settings, HANGAR_S3_ENDPOINT: gateway.endpoint });
  env = await makeUploadTestEnv({ userQuota: 10 * GiB }, { s3: bucket });
  process.env.DATABASE_URL = env.databaseUrl;
  const created = await createToken(env.db, env.alice, { name: "rgw restart", expiresInDays: null });
  if (!created.ok) throw new Error(created.error.message);
  token = created.value.secret;
  const route = uploadRoute(env.uploads);
  server = http.createServer((req, res) =>
    watchOutages(res, () => void Promise.resolve(route.handle(req, res)).catch((error: unknown) => answerFailure(req, res, error))),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await validationsSettled();
  await bucket.drop();
  await env.close();
  await gateway.kill("SIGTERM");
  await ceph.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const headers = () => ({ "tus-resumable": "1.0.0", authorization: `Bearer ${token}` });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

it("finishes an upload on S3 whose PATCH loses the gateway mid-body, the client resuming through 503s once it is back", async () => {
  const source = randomBytes(40 * MiB + 321);
  const created = await fetch(`${url}/api/v1/uploads`, {
    method: "POST",
    headers: { ...headers(), "upload-length": String(source.length), "upload-metadata": `name ${Buffer.from("rgw-restart").toString("base64")}` },
  });
  expect(created.status).toBe(201);
  const uploadUrl = new URL(created.headers.get("location") ?? "", url).toString();
  const first = await fetch(uploadUrl, {
    method: "PATCH",
    headers: { ...headers(), "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    body: new Uint8Array(source.subarray(0, 12 * MiB)),
  });
  expect(first.status).toBe(204);
  // Whatever becomes of the PATCH the gateway dies under, it is not a 500.
  expect(await patchInTwo(uploadUrl, token, 12 * MiB, source.subarray(12 * MiB, 24 * MiB), () => gateway.kill())).not.toBe(500);

  const { statuses, imageId } = await resumeThroughOutage(uploadUrl, token, source, () => gateway.start());
  expect(statuses).toContain(503);
  expect(statuses).not.toContain(500);
  const { storageKey } = await env.db.image.findUniqueOrThrow({ where: { id: imageId } });
  const object = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.config.bucket, Key: `images/${storageKey ?? ""}` }));
  expect(sha256((await object.Body?.transformToByteArray()) ?? new Uint8Array())).toBe(sha256(source));
  // Nothing half-written: the image's object only, no part, .info or multipart upload.
  expect(await bucket.contents()).toEqual({ objects: [`images/${storageKey ?? ""}`], uploads: [] });
}, 300_000);
