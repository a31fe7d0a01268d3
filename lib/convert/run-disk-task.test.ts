import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectImage } from "../inspect";
import { isInspectError } from "../inspect/errors";
import { bytesReader } from "../inspect/readers/bytes";
import { openFileReader } from "../inspect/readers/file";
import { qemuImg, qemuImgMissing } from "../inspect/testing/qemu-img";
import { fixtureFamily } from "../testing/fixtures";
import { JobStopped } from "../workers/pool";
import { runDiskTask } from "./run-disk-task";
import { referenceDigest } from "./testing/reference-digest";

const family = fixtureFamily("convert");
const skip = family.skipped ?? qemuImgMissing;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-disk-task-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(skip)("digests and conversions on a worker thread, reading through the host", () => {
  it("converts a dynamic VHD to QCOW2 with progress, and digests the result to the same digest", async () => {
    const reader = await openFileReader(family.file("disk-dynamic.vhd"));
    const out = path.join(scratch, "out.qcow2");
    try {
      const info = await inspectImage(reader, { depth: "format" });
      const progress: number[] = [];
      const converted = await runDiskTask(reader, { kind: "convert", info, out, target: "qcow2" }, (fraction) => progress.push(fraction));
      expect(converted.digest).toBe(referenceDigest(family.file("disk.raw")));
      expect(progress.length).toBeGreaterThan(1);
      expect(progress[progress.length - 1]).toBe(1);
      expect(qemuImg(["compare", "-f", "vpc", "-F", "qcow2", family.file("disk-dynamic.vhd"), out]).ok).toBe(true);
    } finally {
      await reader.close();
    }
    const output = await openFileReader(out);
    try {
      const info = await inspectImage(output, { depth: "format" });
      expect((await runDiskTask(output, { kind: "digest", info })).digest).toBe(referenceDigest(family.file("disk.raw")));
    } finally {
      await output.close();
    }
  });

  it("converts without the digest when asked (an export), to the same disk", async () => {
    const reader = await openFileReader(family.file("disk-dynamic.vhd"));
    const out = path.join(scratch, "export.qcow2");
    try {
      const info = await inspectImage(reader, { depth: "format" });
      const converted = await runDiskTask(reader, { kind: "convert", info, out, target: "qcow2", digest: false });
      expect(converted).toEqual({ digest: "", size: fs.statSync(out).size });
      expect(qemuImg(["compare", "-f", "vpc", "-F", "qcow2", family.file("disk-dynamic.vhd"), out]).ok).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it("answers damage with an InspectError, and stops when aborted", async () => {
    const bytes = new Uint8Array(fs.readFileSync(family.file("disk-dynamic.vhd")).subarray(0, 4 * 1024 * 1024));
    const cut = bytesReader(bytes);
    const info = await inspectImage(cut, { depth: "format" });
    const error = await runDiskTask(cut, { kind: "digest", info }).catch((e: unknown) => e);
    expect(isInspectError(error) && error.code).toBe("truncated");
    const reader = await openFileReader(family.file("sparse.qcow2"));
    try {
      const controller = new AbortController();
      const running = runDiskTask(
        reader,
        { kind: "digest", info: await inspectImage(reader, { depth: "format" }) },
        () => controller.abort(new Error("cancelled")),
        controller.signal,
      );
      await expect(running).rejects.toThrow("cancelled");
    } finally {
      await reader.close();
    }
  });

  it("stops a task past its time limit, as the pools stop a job", async () => {
    const reader = await openFileReader(family.file("sparse.qcow2"));
    try {
      const info = await inspectImage(reader, { depth: "format" });
      const error = await runDiskTask(reader, { kind: "digest", info }, undefined, undefined, { timeLimitMs: 1, memoryLimitMb: 256 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobStopped);
      expect((error as JobStopped).reason).toBe("time");
    } finally {
      await reader.close();
    }
  });
});
