import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UploadHashes } from "./hashes";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-hashes-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("running upload hashes", () => {
  it("hashes bytes fed in chunks of every size, across batches, as one file", async () => {
    const hashes = new UploadHashes();
    const bytes = randomBytes(23 * 1024 * 1024 + 17);
    const file = path.join(dir, "chunks");
    fs.writeFileSync(file, "");
    const state = await hashes.at("chunks", file, 0);
    for (let offset = 0, size = 1; offset < bytes.length; offset += size, size = (size * 7 + 13) % (3 << 20) || 1) {
      await state.update(bytes.subarray(offset, offset + size));
    }
    fs.writeFileSync(file, bytes);
    await hashes.settle(state, bytes.length);
    expect(await hashes.digest("chunks", file, bytes.length)).toBe(sha256(bytes));
  });

  it("rebuilds from the partial file what memory lost (a restart), then goes on", async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const file = path.join(dir, "restart");
    fs.writeFileSync(file, bytes.subarray(0, 3 * 1024 * 1024));
    const restarted = new UploadHashes();
    const state = await restarted.at("restart", file, 3 * 1024 * 1024);
    expect(state.offset).toBe(3 * 1024 * 1024);
    await state.update(bytes.subarray(3 * 1024 * 1024));
    fs.appendFileSync(file, bytes.subarray(3 * 1024 * 1024));
    await restarted.settle(state, bytes.length);
    expect(await restarted.digest("restart", file, bytes.length)).toBe(sha256(bytes));
  });

  it("drops a hash that no longer matches its file (a write that failed half-way) and rebuilds it", async () => {
    const hashes = new UploadHashes();
    const bytes = randomBytes(1024 * 1024);
    const file = path.join(dir, "torn");
    fs.writeFileSync(file, "");
    const state = await hashes.at("torn", file, 0);
    await state.update(bytes);
    // Only half reached the disk.
    fs.writeFileSync(file, bytes.subarray(0, 512 * 1024));
    await hashes.settle(state, 512 * 1024);
    expect(await hashes.digest("torn", file, 512 * 1024)).toBe(sha256(bytes.subarray(0, 512 * 1024)));
  });

  it("refuses an offset the partial file does not have", async () => {
    const file = path.join(dir, "short");
    fs.writeFileSync(file, Buffer.alloc(10));
    await expect(new UploadHashes().at("short", file, 20)).rejects.toThrow("the partial file has 10 bytes, not 20");
  });
});
