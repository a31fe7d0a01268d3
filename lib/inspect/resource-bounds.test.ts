import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { recordingReader } from "../testing/file-reader";
import { MAX_WALK_TABLES } from "./formats/table-batches";
import { inspectImage } from "./index";
import { qcow2WithSharedL2, vhdxWithRepeatedMetadata, vmdkWithGrainTables } from "./testing/synthetic-images";

const MiB = 1024 * 1024;

/**
 * Hostile images whose metadata counts are the attacker's choice, within what
 * qemu itself accepts. The inspector must answer (never throw), and read and
 * hold memory in proportion to real metadata, not to the counts claimed.
 */
describe("resource bounds on hostile metadata", () => {
  it("refuses to track more grain tables than any real disk has, instead of running out of memory", async () => {
    // 17 Mi one-sector grain tables in an 8.5 GiB file: once a V8 Map overflow (an unhandled RangeError) after GiBs of memory.
    const reader = recordingReader(vmdkWithGrainTables(17 * 1024 * 1024));
    const report = await inspectImage(reader);
    expect(report.verdict).toBe("rejected");
    expect(report.checks[2]).toMatchObject({ status: "fail", code: "format.walk_failed" });
    expect(report.checks[2].message).toMatch(/4,194,304/);
    // The walk stops while reading the grain directory: 4 bytes an entry up to the bound.
    expect(reader.bytesRead()).toBeLessThan(MAX_WALK_TABLES * 4 + 2 * MiB);
  });

  it("walks a million scattered grain tables in a few large reads", async () => {
    const reader = recordingReader(vmdkWithGrainTables(1024 * 1024, true));
    const report = await inspectImage(reader);
    expect(report.checks[2]).toMatchObject({ status: "pass", code: "format.tables_walked" });
    expect(report.checks[2].message).toMatch(/1,048,576 grain tables/);
    // Tables 512 bytes apart are read together: a read per 4 MiB, not one per table.
    expect(reader.reads.length).toBeLessThan(1000);
    expect(reader.bytesRead()).toBeLessThan(reader.size + 2 * MiB);
  });

  it("reads an L2 table that half a million L1 entries share once", async () => {
    const reader = recordingReader(qcow2WithSharedL2(512 * 1024));
    const report = await inspectImage(reader);
    expect(report.checks[2]).toMatchObject({ status: "fail", code: "qcow2.l2_table_shared" });
    expect(report.checks[2].message).toMatch(/^524,287 /);
    expect(reader.bytesRead()).toBeLessThan(8 * 512 * 1024 + MiB);
  });

  const family = fixtureFamily("formats");
  it.skipIf(family.skipped)("reads each VHDX metadata item once, however often the table lists it", async () => {
    const reader = recordingReader(vhdxWithRepeatedMetadata(new Uint8Array(fs.readFileSync(family.file("seeds/seed.vhdx")))));
    const report = await inspectImage(reader, { depth: "format" });
    expect(report.format).toBe("vhdx");
    expect(report.checks.map((c) => c.message).join(" ")).toMatch(/listed more than once|lists .* more than once/);
    // Was 2,047 reads of 64 KiB (128 MiB) in the browser's quick check.
    expect(reader.bytesRead()).toBeLessThan(MiB);
  });
});
