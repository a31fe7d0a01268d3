import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resumeRefusal, SAMPLE_BYTES, sampleFingerprint } from "./sample-fingerprint";

const MiB = 1024 * 1024;
const blob = (bytes: Buffer) => new Blob([new Uint8Array(bytes)]);
const sizePrefix = (size: number) => {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64BE(BigInt(size));
  return prefix;
};

describe("the sample fingerprint", () => {
  it("is the SHA-256 of the size, the first MiB and the last MiB", async () => {
    const bytes = randomBytes(5 * MiB + 123);
    const expected = createHash("sha256")
      .update(sizePrefix(bytes.length))
      .update(bytes.subarray(0, SAMPLE_BYTES))
      .update(bytes.subarray(bytes.length - SAMPLE_BYTES))
      .digest("hex");
    expect(await sampleFingerprint(blob(bytes))).toBe(expected);
  });

  it("hashes a file of 2 MiB or less whole, each byte once", async () => {
    const bytes = randomBytes(MiB + 17);
    expect(await sampleFingerprint(blob(bytes))).toBe(createHash("sha256").update(sizePrefix(bytes.length)).update(bytes).digest("hex"));
    expect(await sampleFingerprint(blob(Buffer.alloc(0)))).toBe(createHash("sha256").update(sizePrefix(0)).digest("hex"));
  });

  it("tells apart files of the same size that differ at either end, not in the middle", async () => {
    const bytes = randomBytes(4 * MiB);
    const base = await sampleFingerprint(blob(bytes));
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] ?? 0) ^ 1;
      return sampleFingerprint(blob(copy));
    };
    expect(await flipped(0)).not.toBe(base);
    expect(await flipped(bytes.length - 1)).not.toBe(base);
    expect(await flipped(2 * MiB)).toBe(base);
  });

  it("reads a file on disk in Node the same as the browser reads a File", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-sample-"));
    try {
      const bytes = randomBytes(3 * MiB);
      fs.writeFileSync(path.join(dir, "disk.raw"), bytes);
      expect(await sampleFingerprint(await fs.openAsBlob(path.join(dir, "disk.raw")))).toBe(await sampleFingerprint(blob(bytes)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("resuming an upload with a picked file", () => {
  const original = randomBytes(3 * MiB);
  const other = randomBytes(3 * MiB);
  const upload = (metadata: Record<string, string> = {}) => Promise.resolve({ fileName: "disk.raw", length: original.length, metadata });

  it("accepts the file the upload started with", async () => {
    const sample = (await sampleFingerprint(blob(original))) ?? "";
    expect(await resumeRefusal(blob(original), await upload({ sample }))).toBeNull();
    expect(await resumeRefusal(blob(original), await upload({ sample: sample.toUpperCase() }))).toBeNull();
  });

  it("refuses another file of the same size, saying so", async () => {
    const sample = (await sampleFingerprint(blob(original))) ?? "";
    expect(await resumeRefusal(blob(other), await upload({ sample }))).toBe(
      "This is not the file that upload started with: its content differs from disk.raw, though the size is the same. Nothing was sent. Select disk.raw, or discard this upload and start a new one.",
    );
  });

  it("refuses a file of another size, giving both sizes", async () => {
    expect(await resumeRefusal(blob(original.subarray(MiB)), await upload())).toBe("That file is 2 MiB; this upload is 3 MiB. Select disk.raw.");
    expect(await resumeRefusal(blob(original.subarray(1)), await upload({ sample: "0".repeat(64) }))).toBe(
      "That file is 3,145,727 bytes; this upload is 3,145,728 bytes. Select disk.raw.",
    );
  });

  it("matches on size alone an upload created without a sample, or where none can be computed", async () => {
    expect(await resumeRefusal(blob(other), await upload())).toBeNull();
    expect(await resumeRefusal(blob(other), await upload({ sample: "0".repeat(64) }), null)).toBeNull();
  });
});
