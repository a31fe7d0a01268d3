import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { inspectImage } from "./index";
import { openFileReader } from "./readers/file";
import type { ImageFormat, InspectionReport } from "./report";
import { qemuImgMissing, qemuInfo } from "./testing/qemu-img";

const family = fixtureFamily("formats");
const skip = family.skipped ?? qemuImgMissing;

/** qemu's name for each format Hangar detects. */
const QEMU_NAME: Partial<Record<ImageFormat, string>> = { vhd: "vpc" };

/**
 * Where Hangar deliberately knows more than qemu's probe: qemu reads these as
 * "raw" (its whole file) because it probes only the first bytes (fixed VHD,
 * whose footer is at the end), has no driver (ISO 9660, UDF, archives,
 * compressed files) or only probes LUKS version 1.
 */
function qemuProbesRaw(report: InspectionReport): boolean {
  return (
    ["iso9660", "udf", "gzip", "xz", "zstd", "bzip2", "zip", "tar", "dmg"].includes(report.format) ||
    (report.format === "vhd" && report.subformat === "fixed") ||
    (report.format === "luks" && report.subformat?.startsWith("LUKS2") === true)
  );
}

async function inspect(file: string): Promise<InspectionReport> {
  const reader = await openFileReader(file);
  try {
    return await inspectImage(reader, { guest: false });
  } finally {
    await reader.close();
  }
}

describe.skipIf(skip)("format and virtual size agree with qemu-img info", () => {
  const names = family.skipped
    ? []
    : fs
        .readdirSync(family.dir, { withFileTypes: true })
        .filter((entry) => !entry.name.startsWith("."))
        .map((entry) => (entry.isFile() ? entry.name : `${entry.name}/`))
        .flatMap((name) => (name.endsWith("/") ? fs.readdirSync(family.file(name)).map((seed) => `${name}${seed}`) : [name]));
  for (const name of names) {
    it(name, async () => {
      const file = family.file(name);
      const report = await inspect(file);
      const qemu = qemuInfo(file);
      if (qemu === null) {
        // qemu refuses the file: so must Hangar.
        expect(report.verdict).toBe("rejected");
        return;
      }
      if (qemuProbesRaw(report)) {
        expect(qemu.format).toBe("raw");
        expect(qemu["virtual-size"]).toBe(Math.ceil(report.fileSize / 512) * 512);
        if (report.format === "vhd") expect(report.virtualSize).toBe(qemuInfo(file, "vpc")?.["virtual-size"]);
        return;
      }
      expect(report.format === "iso9660" ? "raw" : (QEMU_NAME[report.format] ?? report.format)).toBe(qemu.format);
      expect(report.virtualSize).toBe(qemu["virtual-size"]);
      expect(report.backingFile).toBe(qemu["backing-filename"]);
      expect(report.dataFile).toBe(qemu["format-specific"]?.data?.["data-file"]);
      if (qemu.encrypted) expect(report.encrypted).toBe(true);
      if (qemu["backing-filename"] !== undefined || qemu["format-specific"]?.data?.["data-file"] !== undefined || qemu.encrypted) {
        expect(report.verdict).toBe("rejected");
      }
      if (report.format === "vmdk" && qemu["format-specific"]?.data?.["create-type"] && report.verdict === "accepted") {
        expect(report.subformat).toBe(qemu["format-specific"].data["create-type"]);
      }
    });
  }
});
