import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { inspectImage } from "../inspect";
import { openImageDisk } from "../inspect/disk/open-guest-disk";
import { openFileReader } from "../inspect/readers/file";
import { qemuConvertToRaw, qemuImgMissing } from "../inspect/testing/qemu-img";
import { fixtureFamily } from "../testing/fixtures";
import { rawDiskStream } from "./raw-stream";

const family = fixtureFamily("convert");
const skip = family.skipped ?? qemuImgMissing;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-raw-stream-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const MiB = 1024 * 1024;

/** Opens a fixture's disk for rawDiskStream, noting in `state` when its reader is closed. */
const opener = (file: string, state: { closed: boolean }) => async () => {
  const reader = await openFileReader(file);
  const close = async () => {
    state.closed = true;
    await reader.close();
  };
  return { disk: await openImageDisk(reader, await inspectImage(reader, { depth: "format" })), close };
};

describe.skipIf(skip)("a raw disk streamed from its container", () => {
  it.each(["disk.qcow2", "disk-dynamic.vhd", "disk.vhdx", "disk-sparse.vmdk"])(
    "%s: whole and in ranges across windows, the bytes qemu-img converts it to",
    async (name) => {
      const raw = path.join(scratch, `${name}.raw`);
      qemuConvertToRaw(family.file(name), raw);
      const reference = fs.readFileSync(raw);
      const size = reference.length;
      for (const [start, end] of [
        [0, size - 1],
        [4 * MiB - 3, 4 * MiB + 5],
        [1, 9 * MiB],
        [size - 10, size - 1],
        [7 * MiB, 7 * MiB],
      ]) {
        const state = { closed: false };
        const bytes = await buffer(rawDiskStream(opener(family.file(name), state), { start, end }));
        expect(bytes.equals(reference.subarray(start, end + 1)), `${name} bytes ${start}-${end}`).toBe(true);
        expect(state.closed).toBe(true);
      }
    },
  );

  it("closes the reader when the client goes away mid-stream", async () => {
    const state = { closed: false };
    const stream = rawDiskStream(opener(family.file("disk.qcow2"), state), { start: 0, end: 16 * MiB - 1 });
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    stream.destroy();
    await expect.poll(() => state.closed).toBe(true);
  });
});
