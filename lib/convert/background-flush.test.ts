import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { open } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackgroundFlush } from "./background-flush";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-flush-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("BackgroundFlush: fdatasync as the file is written, fsync at the end", () => {
  it("flushes while writes go on and leaves the file whole", async () => {
    const file = path.join(scratch, "out");
    const handle = await open(file, "wx");
    const chunk = (i: number) => new Uint8Array(1 << 20).fill(i + 1);
    try {
      const flush = new BackgroundFlush(handle, 1 << 20);
      // Writes issued while a flush runs: every one of them must land.
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const { bytesWritten } = await handle.write(chunk(i), 0, 1 << 20, i << 20);
          flush.wrote(bytesWritten);
        }),
      );
      await flush.sync();
    } finally {
      await handle.close();
    }
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(8 << 20);
    for (let i = 0; i < 8; i++) expect(bytes.subarray(i << 20, (i + 1) << 20).every((b) => b === i + 1)).toBe(true);
  });

  it("reports a background flush that failed at sync(), not as an unhandled rejection", async () => {
    // fdatasync of a pipe fails (EINVAL): a real failure of the system call the class starts in the background.
    // Were it not caught there, the run would fail on an unhandled rejection (Vitest reports them as errors).
    const fifo = path.join(scratch, "fifo");
    execFileSync("mkfifo", [fifo]);
    const handle = await open(fifo, fs.constants.O_RDWR);
    try {
      const flush = new BackgroundFlush(handle, 1);
      flush.wrote(1);
      await expect(flush.sync()).rejects.toMatchObject({ code: "EINVAL" });
    } finally {
      await handle.close();
    }
  });
});
