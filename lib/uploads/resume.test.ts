import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// A file of several hundred MB, interrupted mid-PATCH, must complete with the exact bytes.
const SIZE = 300 * 1024 * 1024 + 12_345;
let hangar: HangarProcess;
let scratch: string;
let source: string;
let sourceSha256: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-resume-"));
  source = path.join(scratch, "disk.raw");
  const hash = createHash("sha256");
  const out = fs.openSync(source, "w");
  for (let written = 0; written < SIZE;) {
    const block = randomBytes(Math.min(8 << 20, SIZE - written));
    fs.writeSync(out, block);
    hash.update(block);
    written += block.length;
  }
  fs.closeSync(out);
  sourceSha256 = hash.digest("hex");
  hangar = await launchHangar();
});
afterAll(async () => {
  await hangar.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  upload: tus.Upload;
  done: Promise<void>;
  /** Upload-Offset of every PATCH sent, in order. */
  patchOffsets: number[];
}

/** tus-js-client in Node, as `hangar upload` will use it; no chunk size, so one PATCH carries everything that is left. */
async function startUpload(options: Partial<tus.UploadOptions> & { onHalfway?: (upload: tus.Upload) => void }): Promise<Run> {
  const cookie = await hangar.cookie(hangar.demo);
  const patchOffsets: number[] = [];
  let halfway = false;
  let upload!: tus.Upload;
  const done = new Promise<void>((resolve, reject) => {
    upload = new tus.Upload(fs.createReadStream(source), {
      endpoint: `${hangar.url}/api/v1/uploads`,
      headers: { cookie },
      metadata: { filename: "disk.raw", name: `resume-${Math.random().toString(36).slice(2, 8)}` },
      retryDelays: null,
      onBeforeRequest(req) {
        if (req.getMethod() === "PATCH") patchOffsets.push(Number(req.getHeader("Upload-Offset")));
      },
      onProgress(sent) {
        if (!halfway && sent > SIZE * 0.4) {
          halfway = true;
          options.onHalfway?.(upload);
        }
      },
      onSuccess: () => resolve(),
      onError: reject,
      ...options,
    });
  });
  upload.start();
  return { upload, done, patchOffsets };
}

async function expectStoredExactly(uploadUrl: string) {
  const id = uploadUrl.split("/").pop() ?? "";
  // The upload's record stays, complete, for a client that lost the last answer.
  const upload = await hangar.db.upload.findUniqueOrThrow({ where: { id }, select: { offset: true, imageId: true } });
  expect(upload.offset).toBe(BigInt(SIZE));
  // Validation records the checksum of what was stored.
  const checksum = async () => (await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } })).sha256;
  await expect.poll(checksum, { timeout: 30_000 }).toBe(sourceSha256);
  const image = await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } });
  expect(Number(image.fileSize)).toBe(SIZE);
  expect(await hangar.storage.images.size(image.storageKey ?? "")).toBe(SIZE);
  expect(await hangar.storage.stagedSize(id)).toBeNull();
  await hangar.db.image.delete({ where: { id: image.id } });
  await hangar.storage.images.remove(image.storageKey ?? "");
}

describe("an upload interrupted mid-PATCH completes from the server's offset", () => {
  it("after the client aborts", async () => {
    let aborted!: () => void;
    const abortedOnce = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const first = await startUpload({ onHalfway: (upload) => void upload.abort().then(aborted) });
    await abortedOnce;
    const url = first.upload.url ?? "";
    // The server notices the lost connection and keeps what arrived.
    await expect
      .poll(
        async () =>
          Number(
            (await fetch(url, { method: "HEAD", headers: { "tus-resumable": "1.0.0", cookie: await hangar.cookie(hangar.demo) } })).headers.get(
              "upload-offset",
            ),
          ),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);

    const second = await startUpload({ uploadUrl: url });
    await second.done;
    expect(second.patchOffsets[0]).toBeGreaterThan(SIZE * 0.3);
    await expectStoredExactly(url);
  });

  it("after the server is killed with SIGKILL and started again", async () => {
    let restarted: Promise<void> = Promise.resolve();
    let storedAtKill = 0;
    const run = await startUpload({
      // Enough patience for a restart of the production server.
      retryDelays: [200, 500, 1000, 1000, 2000, 2000, 3000, 3000, 5000, 5000, 5000, 5000, 5000],
      onHalfway: (upload) => {
        // Killed once the server has stored a tenth: how far the store lags the client (on S3, the parts still in
        // flight to the bucket, up to the node's part pool) is the store's and the machine's, not what this asserts.
        restarted = (async () => {
          const id = upload.url?.split("/").pop() ?? "";
          await expect
            .poll(async () => (storedAtKill = (await hangar.storage.stagedSize(id)) ?? 0), { timeout: 30_000, interval: 20 })
            .toBeGreaterThan(SIZE * 0.1);
          await hangar.kill("SIGKILL");
          await hangar.restart();
        })();
      },
    });
    await run.done;
    await restarted;
    expect(run.patchOffsets[0]).toBe(0);
    expect(run.patchOffsets.length).toBeGreaterThan(1);
    // The client resumed from what the server had stored, never from less.
    expect(run.patchOffsets.at(-1)).toBeGreaterThanOrEqual(storedAtKill);
    await expectStoredExactly(run.upload.url ?? "");
  });
});
