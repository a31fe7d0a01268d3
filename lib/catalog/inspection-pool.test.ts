import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { workerPool } from "../workers/pool";
import { type InspectedSource, type InspectionJob, inspectionLimits } from "./inspection-pool";
import { inspectStoredFile } from "./inspector";

const guests = fixtureFamily("guests");
const pool = workerPool<InspectionJob, InspectedSource>(new URL("./inspection-worker.ts", import.meta.url), inspectionLimits({}));
afterAll(() => pool.close());

describe("the inspection pool", () => {
  it("reads its limits from the environment, and stops the server at a malformed one", () => {
    expect(inspectionLimits({})).toEqual({ size: 2, timeLimitMs: 600_000, memoryLimitMb: 1024, nice: 19 });
    expect(inspectionLimits({ HANGAR_VALIDATION_CONCURRENCY: "4", HANGAR_VALIDATION_TIME_LIMIT: "90s", HANGAR_VALIDATION_MEMORY_LIMIT: "512MiB" })).toEqual({
      size: 4,
      timeLimitMs: 90_000,
      memoryLimitMb: 512,
      nice: 19,
    });
    expect(() => inspectionLimits({ HANGAR_VALIDATION_CONCURRENCY: "0" })).toThrow("HANGAR_VALIDATION_CONCURRENCY");
    expect(() => inspectionLimits({ HANGAR_VALIDATION_TIME_LIMIT: "soon" })).toThrow("HANGAR_VALIDATION_TIME_LIMIT");
    expect(() => inspectionLimits({ HANGAR_VALIDATION_MEMORY_LIMIT: "1MiB" })).toThrow("at least 64MiB");
  });

  it.skipIf(guests.skipped)(
    "inspects a stored image in a worker thread: the report the calling thread would make, with progress and the bytes read",
    async () => {
      const file = guests.file("debian12-gpt-ext4.qcow2");
      const progress: number[] = [];
      const inWorker = await pool.run({ source: { kind: "file", path: file }, fileName: "debian.qcow2" }, (percent) => progress.push(percent));
      expect(inWorker.report).toEqual(await inspectStoredFile(file, "debian.qcow2"));
      expect(inWorker.report.verdict).toBe("accepted");
      // Some of the file, not all of it: the integrity walk and the guest checks read what they need.
      expect(inWorker.fetched).toBeGreaterThan(0);
      expect(inWorker.fetched).toBeLessThan(fs.statSync(file).size);
      expect(progress.length).toBeGreaterThan(0);
      expect(Math.max(...progress)).toBeLessThanOrEqual(100);
    },
  );

  it("fails an inspection of a file that is not there with the reader's message, and keeps its worker", async () => {
    await expect(pool.run({ source: { kind: "file", path: "/nonexistent/image.qcow2" }, fileName: "image.qcow2" })).rejects.toThrow(/ENOENT/);
    expect(pool.activity()).toEqual({ running: 0, waiting: 0 });
  });
});
