import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validationsSettled } from "../catalog/validation";
import { type UploadTestEnv, makeUploadTestEnv } from "../testing/upload-env";
import { receiveImageData } from "./data";
import type { GlanceDeps } from "./deps";
import { createGlanceImage } from "./images";
import { glanceTestDeps } from "./testing/glance-cli";

// Glance's data PUT at the domain boundary: the bytes stream to the staging directory, their MD5 and SHA-256 follow
// the writes in worker threads, and a body that is not what it declared leaves nothing behind.

let env: UploadTestEnv;
let deps: GlanceDeps;
const MAX = 64 << 20;

beforeAll(async () => {
  env = await makeUploadTestEnv({ maxImageSize: MAX });
  deps = glanceTestDeps(env);
});
afterAll(async () => {
  await validationsSettled();
  await env.close();
});
beforeEach(() => fs.rmSync(deps.stagingDir, { recursive: true, force: true }));

async function queued(): Promise<string> {
  const created = await createGlanceImage(deps, env.alice, { name: `put-${randomBytes(4).toString("hex")}`, disk_format: "raw", container_format: "bare" });
  if (!created.ok) throw new Error(created.error.message);
  return String(created.value.id);
}

/** A body sent in pieces of `piece` bytes, as a socket delivers it; with `cut`, the connection breaks after that many. */
function body(bytes: Buffer, { piece = 64 << 10, cut }: { piece?: number; cut?: number } = {}): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (cut !== undefined && at >= cut) {
        this.destroy(new Error("socket hang up"));
        return;
      }
      if (at >= bytes.length) {
        this.push(null);
        return;
      }
      this.push(bytes.subarray(at, (at += piece)));
    },
  });
}

const hex = (algorithm: string, bytes: Buffer) => createHash(algorithm).update(bytes).digest("hex");
const leftovers = () => (fs.existsSync(deps.stagingDir) ? fs.readdirSync(deps.stagingDir) : []);

async function nothingKept(id: string) {
  expect(leftovers()).toEqual([]);
  expect(await env.db.upload.count({ where: { imageId: id } })).toBe(0);
  const image = await env.db.image.findUniqueOrThrow({ where: { id } });
  expect(image.status).toBe("uploading");
  expect(image.md5).toBeNull();
}

describe("Glance's data upload (PUT /v2/images/{id}/file)", () => {
  it("keeps the MD5 and SHA-256 of every byte, across many hashing steps, with or without a declared length", async () => {
    // Several times the workers' step (4 MiB), and not a multiple of it, so that the digests' tails are read behind the writes.
    const bytes = randomBytes((19 << 20) + 12345);
    for (const declared of [bytes.length, null]) {
      const id = await queued();
      const done = await receiveImageData(deps, env.alice, id, body(bytes), declared);
      expect(done).toEqual({ ok: true, value: null });
      const image = await env.db.image.findUniqueOrThrow({ where: { id } });
      expect(image.md5).toBe(hex("md5", bytes));
      expect(image.sha256).toBe(hex("sha256", bytes));
      expect(Number(image.fileSize)).toBe(bytes.length);
      expect(leftovers()).toEqual([]);
    }
  });

  it("refuses a body longer than its Content-Length, and keeps nothing", async () => {
    const id = await queued();
    const done = await receiveImageData(deps, env.alice, id, body(randomBytes(9 << 20)), 5 << 20);
    expect(done.ok).toBe(false);
    expect(done.ok ? null : [done.error.code, done.error.message]).toEqual(["invalid", `The body is longer than its Content-Length (${5 << 20} bytes).`]);
    await nothingKept(id);
  });

  it("refuses a body shorter than its Content-Length, naming both, and keeps nothing", async () => {
    const id = await queued();
    const done = await receiveImageData(deps, env.alice, id, body(randomBytes(6 << 20)), 8 << 20);
    expect(done.ok).toBe(false);
    if (!done.ok)
      expect(done.error).toMatchObject({
        code: "invalid",
        message: `The body held ${6 << 20} of the ${8 << 20} bytes its Content-Length declared; nothing was kept.`,
      });
    await nothingKept(id);
  });

  it("stops a chunked body at the size limit", async () => {
    const id = await queued();
    const done = await receiveImageData(deps, env.alice, id, body(randomBytes(MAX + (3 << 20)), { piece: 1 << 20 }), null);
    expect(done.ok).toBe(false);
    if (!done.ok) expect(done.error.code).toBe("too_large");
    await nothingKept(id);
  });

  it("keeps nothing of a connection cut mid-body, and the image still takes the data afterwards", async () => {
    const id = await queued();
    const bytes = randomBytes(12 << 20);
    const cut = await receiveImageData(deps, env.alice, id, body(bytes, { cut: 9 << 20 }), bytes.length);
    expect(cut.ok).toBe(false);
    expect(cut.ok ? null : cut.error.message).toContain("cut short");
    await nothingKept(id);
    expect(await receiveImageData(deps, env.alice, id, body(bytes), bytes.length)).toEqual({ ok: true, value: null });
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).md5).toBe(hex("md5", bytes));
  });

  it("refuses an empty body", async () => {
    const id = await queued();
    const done = await receiveImageData(deps, env.alice, id, body(Buffer.alloc(0)), null);
    expect(done.ok).toBe(false);
    if (!done.ok) expect(done.error).toMatchObject({ code: "invalid", message: "The upload holds no bytes: send the image's data." });
    await nothingKept(id);
  });

  it("gives no bytes to an image of someone else's project", async () => {
    const id = await queued();
    const done = await receiveImageData(deps, env.bob, id, body(randomBytes(1 << 20)), 1 << 20);
    expect(done.ok).toBe(false);
    if (!done.ok) expect(done.error.code).toBe("not_found");
    await nothingKept(id);
  });
});
