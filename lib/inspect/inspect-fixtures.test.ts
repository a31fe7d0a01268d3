import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { inspectImage } from "./index";
import { openFileReader } from "./readers/file";
import type { CheckStatus, ImageFormat, InspectionReport } from "./report";

const family = fixtureFamily("formats");

async function inspect(name: string, depth: "format" | "full" = "full"): Promise<InspectionReport> {
  const reader = await openFileReader(family.file(name));
  try {
    return await inspectImage(reader, { fileName: name, depth, guest: false });
  } finally {
    await reader.close();
  }
}

type Statuses = Partial<Record<"supported" | "safe" | "integrity", CheckStatus>>;

interface Expectation {
  format: ImageFormat;
  verdict: "accepted" | "rejected";
  /** Statuses of the format checks that are not "pass". */
  checks?: Statuses;
  /** The codes of the report's failing or warning checks (docs/checks.md), in report order. */
  codes?: string[];
  /** Text the fix must contain. */
  fix?: RegExp;
  subformat?: string;
  partitionTable?: "mbr" | "gpt" | null;
  /** The file the image would read from the host, as the report names it. */
  backingFile?: string;
  dataFile?: string;
}

const accepted = (format: ImageFormat, extra: Partial<Expectation> = {}): Expectation => ({ format, verdict: "accepted", ...extra });
const rejected = (format: ImageFormat, checks: Statuses, codes: string[], extra: Partial<Expectation> = {}): Expectation => ({
  format,
  verdict: "rejected",
  checks,
  codes,
  ...extra,
});

const EXPECTED: Record<string, Expectation> = {
  "disk.raw": accepted("raw", { partitionTable: "gpt" }),
  "mbr-logical.raw": accepted("raw", { partitionTable: "mbr" }),
  "plain.raw": accepted("raw", { partitionTable: null }),
  "gpt-backup.raw": accepted("raw", { checks: { integrity: "warn" }, codes: ["gpt.primary_invalid"], partitionTable: "gpt" }),
  "gpt-hybrid-mbr.raw": accepted("raw", { checks: { safe: "warn" }, codes: ["gpt.hybrid_mbr"], partitionTable: "gpt" }),
  "qcow2-v2.qcow2": accepted("qcow2", { subformat: "v2 (compat 0.10)", partitionTable: "gpt" }),
  "qcow2-v3.qcow2": accepted("qcow2", { subformat: "v3 (compat 1.1)", partitionTable: "gpt" }),
  "qcow2-c512.qcow2": accepted("qcow2"),
  "qcow2-c4k.qcow2": accepted("qcow2"),
  "qcow2-c64k.qcow2": accepted("qcow2"),
  "qcow2-c2M.qcow2": accepted("qcow2"),
  "qcow2-extl2-c16k.qcow2": accepted("qcow2"),
  "qcow2-extl2-c64k.qcow2": accepted("qcow2"),
  "qcow2-extl2-c2M.qcow2": accepted("qcow2"),
  "qcow2-extl2-sub.qcow2": accepted("qcow2"),
  "qcow2-v2-zlib.qcow2": accepted("qcow2"),
  "qcow2-zlib-c512.qcow2": accepted("qcow2"),
  "qcow2-zlib-c4k.qcow2": accepted("qcow2"),
  "qcow2-zlib-c64k.qcow2": accepted("qcow2"),
  "qcow2-zlib-c2M.qcow2": accepted("qcow2"),
  "qcow2-zstd-c512.qcow2": accepted("qcow2"),
  "qcow2-zstd-c4k.qcow2": accepted("qcow2"),
  "qcow2-zstd-c64k.qcow2": accepted("qcow2"),
  "qcow2-zstd-c2M.qcow2": accepted("qcow2"),
  "qcow2-zstd-extl2.qcow2": accepted("qcow2"),
  "qcow2-zero.qcow2": accepted("qcow2"),
  "qcow2-prealloc.qcow2": accepted("qcow2"),
  "qcow2-snapshot.qcow2": accepted("qcow2"),
  "qcow2-dirty.qcow2": accepted("qcow2", { checks: { integrity: "warn" }, codes: ["qcow2.dirty"], fix: /qemu-img check -r all/ }),
  "vmdk-sparse.vmdk": accepted("vmdk", { subformat: "monolithicSparse", partitionTable: "gpt" }),
  "vmdk-stream.vmdk": accepted("vmdk", { subformat: "streamOptimized", partitionTable: "gpt" }),
  "vmdk-stream-footer.vmdk": accepted("vmdk", { subformat: "streamOptimized" }),
  "vmdk-zeroed.vmdk": accepted("vmdk"),

  "vhd-dynamic.vhd": rejected("vhd", { supported: "fail" }, ["format.not_accepted"], {
    fix: /^qemu-img convert -p -f vpc -O qcow2 vhd-dynamic.vhd vhd-dynamic.qcow2$/,
    subformat: "dynamic",
  }),
  "vhd-fixed.vhd": rejected("vhd", { supported: "fail" }, ["format.not_accepted"], { fix: /-f vpc/, subformat: "fixed" }),
  "vhdx.vhdx": rejected("vhdx", { supported: "fail" }, ["format.not_accepted"], { fix: /-f vhdx -O qcow2 vhdx.vhdx/ }),
  "vdi.vdi": rejected("vdi", { supported: "fail" }, ["format.not_accepted"], { fix: /-f vdi/ }),
  "qed.qed": rejected("qed", { supported: "fail" }, ["format.not_accepted"], { fix: /-f qed/ }),
  "qcow1.qcow": rejected("qcow", { supported: "fail" }, ["format.not_accepted"], { fix: /-f qcow / }),
  "parallels.hdd": rejected("parallels", { supported: "fail" }, ["format.not_accepted"], { fix: /-f parallels/ }),
  "luks1.luks": rejected("luks", { supported: "fail" }, ["format.luks1_volume"], { fix: /driver=luks/ }),
  "luks2.luks": rejected("luks", { supported: "fail" }, ["format.luks2_volume"], { fix: /cryptsetup open/ }),
  "iso9660.iso": rejected("iso9660", { supported: "fail" }, ["format.optical"], { partitionTable: null, fix: /virt-install/ }),
  "iso-hybrid.iso": rejected("iso9660", { supported: "fail" }, ["format.optical_hybrid"], {
    partitionTable: "mbr",
    fix: /qemu-img convert -p -f raw -O qcow2/,
  }),
  "iso-hybrid-gpt.iso": rejected("iso9660", { supported: "fail" }, ["format.optical_hybrid"], { partitionTable: "gpt" }),
  "udf.udf": rejected("udf", { supported: "fail" }, ["format.optical"]),
  "plain.raw.gz": rejected("gzip", { supported: "fail", safe: "skip", integrity: "skip" }, ["format.compressed"], { fix: /gunzip -k plain.raw.gz/ }),
  "plain.raw.xz": rejected("xz", { supported: "fail", safe: "skip", integrity: "skip" }, ["format.compressed"], { fix: /unxz/ }),
  "plain.raw.zst": rejected("zstd", { supported: "fail", safe: "skip", integrity: "skip" }, ["format.compressed"], { fix: /unzstd/ }),
  "plain.raw.bz2": rejected("bzip2", { supported: "fail", safe: "skip", integrity: "skip" }, ["format.compressed"], { fix: /bunzip2/ }),
  "plain.zip": rejected("zip", { supported: "fail", safe: "skip", integrity: "skip" }, ["format.archive"], { fix: /unzip/ }),
  "plain.tar": rejected("tar", { supported: "fail", safe: "skip", integrity: "skip" }, ["format.archive"], { fix: /tar -xf/ }),

  "hostile-backing.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.backing_file"], {
    backingFile: "disk.raw",
    fix: /qemu-img convert -p -O qcow2 hostile-backing.qcow2 hostile-backing-standalone.qcow2/,
  }),
  "hostile-backing-passwd.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.backing_file"], { backingFile: "/etc/passwd" }),
  "hostile-backing.qed": rejected("qed", { supported: "fail", safe: "fail" }, ["format.not_accepted", "qed.backing_file"]),
  "hostile-datafile.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.data_file"], { dataFile: "hostile-datafile.data" }),
  "hostile-datafile-passwd.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.data_file"], { dataFile: "/etc/passwd" }),
  "hostile-encrypted.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.encrypted"]),
  "hostile-unknown-incompat.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.unknown_incompatible_features"]),
  "hostile-corrupt.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.corrupt_bit"], { fix: /qemu-img check -r all/ }),
  "hostile-compression-mismatch.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.compression_type_without_bit"]),
  "hostile-huge-virtual.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["format.virtual_size_over_limit"]),
  "hostile-huge-l1.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["qcow2.l1_table_too_large"]),
  "hostile-l1-past-end.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.table_past_end"]),
  "hostile-refcount-past-end.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.table_past_end"]),
  "hostile-l2-past-end.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.data_past_end"]),
  "hostile-shared-l2.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.l2_table_shared"]),
  "hostile-snapshot-l1-past-end.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.snapshot_l1_invalid"]),
  "hostile-extl2-bitmap.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.subcluster_bitmap_invalid"]),
  "hostile-truncated.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.data_past_end"]),
  "hostile-truncated-header.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.table_past_end"]),
  "hostile-polyglot-vhd.qcow2": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["format.polyglot"]),
  "hostile-iso-qcow2.iso": rejected("qcow2", { safe: "fail", integrity: "skip" }, ["format.polyglot", "qcow2.backing_file"]),
  "hostile-flat-passwd.vmdk": rejected("vmdk", { safe: "fail" }, ["vmdk.descriptor_file"], {
    subformat: "monolithicFlat",
  }),
  "hostile-huge-descriptor-file.vmdk": rejected("vmdk", { safe: "fail" }, ["vmdk.descriptor_without_data"]),
  "hostile-desc-in-sparse.vmdk": rejected("vmdk", { safe: "fail", integrity: "skip" }, [
    "vmdk.capacity_zero",
    "vmdk.create_type_not_accepted",
    "vmdk.extent_type",
  ]),
  "hostile-parent.vmdk": rejected("vmdk", { safe: "fail", integrity: "skip" }, ["vmdk.parent_cid", "vmdk.parent_disk"], { backingFile: "/etc/passwd" }),
  "hostile-extent-path.vmdk": rejected("vmdk", { safe: "fail", integrity: "skip" }, ["vmdk.extent_outside"]),
  "hostile-huge-descriptor.vmdk": rejected("vmdk", { safe: "fail", integrity: "skip" }, ["vmdk.descriptor_too_large"]),
  "hostile-footer-mismatch.vmdk": rejected("vmdk", { safe: "fail", integrity: "skip" }, ["vmdk.extent_size_mismatch", "vmdk.footer_mismatch"]),
  "hostile-gt-past-end.vmdk": rejected("vmdk", { integrity: "fail" }, ["vmdk.grain_table_past_end"]),
  "hostile-truncated.vmdk": rejected("vmdk", { integrity: "fail" }, ["vmdk.grain_past_end"]),
  "hostile-truncated-stream.vmdk": rejected("vmdk", { safe: "skip", integrity: "fail" }, ["format.headers_corrupt"]),
  "hostile-gpt-no-pmbr.raw": rejected("raw", { safe: "fail" }, ["gpt.protective_mbr_missing"]),
  "hostile-truncated-gpt.raw": rejected("raw", { integrity: "fail" }, ["gpt.unreadable"]),
  "hostile-ebr-loop.raw": rejected("raw", { integrity: "fail" }, ["mbr.chain_loop"]),
  // Found by red-teaming (the adversarial harness in adversarial.test.ts, and qemu's drivers read line by line); see docs/decisions.md, "Hardening".
  "hostile-nested-qcow2.qcow2": rejected("qcow2", { safe: "fail" }, ["nested.image_in_disk"]),
  "hostile-nested-qcow2.vmdk": rejected("vmdk", { safe: "fail" }, ["nested.image_in_disk"]),
  "hostile-nested-descriptor.qcow2": rejected("qcow2", { safe: "fail" }, ["nested.image_in_disk"]),
  "hostile-corrupt-partition-cluster.qcow2": rejected("qcow2", { integrity: "fail" }, ["format.nested_scan_failed"]),
  "hostile-partition-qcow2.raw": rejected("raw", { safe: "fail" }, ["nested.image_in_partition"], { partitionTable: "gpt" }),
  "luks-partition.raw": accepted("raw", { partitionTable: "gpt" }),
  "hostile-footer-shifted.vmdk": rejected("vmdk", { safe: "fail", integrity: "skip" }, ["vmdk.extent_size_mismatch", "vmdk.footer_mismatch"]),
  "qcow2-odd-size.qcow2": accepted("qcow2"),
  "hostile-ext-overrun.qcow2": rejected("qcow2", { safe: "skip", integrity: "fail" }, ["format.headers_corrupt"]),
  "hostile-bitmaps-ext.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.bad_header_extensions"]),
  "hostile-snapshot-offset.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.table_offset_invalid"]),
  "hostile-data-file-raw.qcow2": rejected("qcow2", { integrity: "fail" }, ["qcow2.raw_data_bit_without_data_file"]),
  "hostile-no-parentcid.vmdk": rejected("vmdk", { integrity: "fail" }, ["vmdk.cid_missing"]),
  "hostile-vhdx-metadata-past-end.vhdx": rejected("vhdx", { supported: "fail", safe: "warn", integrity: "fail" }, [
    "format.not_accepted",
    "vhdx.metadata_outside",
    "vhdx.region_outside",
  ]),
};

describe.skipIf(family.skipped)("every fixture gets the verdict and checks it deserves", () => {
  it("covers every fixture the script builds", async () => {
    const { readdirSync } = await import("node:fs");
    const built = readdirSync(family.dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith(".") && entry.name !== "hostile-datafile.data")
      .map((entry) => entry.name);
    expect(built.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(name, async () => {
      const report = await inspect(name);
      expect(report.format).toBe(want.format);
      expect(report.verdict).toBe(want.verdict);
      const statuses = Object.fromEntries(report.checks.map((c) => [c.id.replace("format.", ""), c.status]));
      expect(statuses).toEqual({ supported: "pass", safe: "pass", integrity: "pass", ...want.checks });
      const notPassing = report.checks.filter((c) => c.status === "fail" || c.status === "warn");
      expect([...new Set(notPassing.flatMap((c) => c.codes ?? [c.code]))]).toEqual(want.codes ?? []);
      if (want.fix) expect(notPassing.map((c) => c.fix ?? "").join("\n")).toMatch(want.fix);
      if (want.subformat) expect(report.subformat).toBe(want.subformat);
      if (want.backingFile !== undefined) expect(report.backingFile).toBe(want.backingFile);
      if (want.dataFile !== undefined) expect(report.dataFile).toBe(want.dataFile);
      if (want.partitionTable !== undefined) expect(report.partitionTable ?? null).toBe(want.partitionTable);
      for (const check of report.checks) expect(check.message.length).toBeGreaterThan(10);
      for (const check of report.checks) expect(check.codes?.[0] ?? check.code).toBe(check.code);
    });
  }
});

/** Rejected for what lies inside the guest disk, read through the tables on the server only: the quick depth cannot see it. */
const INSIDE_THE_GUEST = ["hostile-nested-qcow2.qcow2", "hostile-nested-qcow2.vmdk", "hostile-nested-descriptor.qcow2"];

describe.skipIf(family.skipped)("the quick (browser) depth", () => {
  it("gives the same format verdict and message as the full inspection", async () => {
    for (const name of Object.keys(EXPECTED)) {
      const [quick, full] = await Promise.all([inspect(name, "format"), inspect(name, "full")]);
      expect(quick.format, name).toBe(full.format);
      expect(quick.checks[0], name).toEqual(full.checks[0]);
      expect(quick.virtualSize, name).toBe(full.virtualSize);
      if (full.checks[1].status === "fail" && !INSIDE_THE_GUEST.includes(name)) expect(quick.checks[1], name).toEqual(full.checks[1]);
    }
  });

  it("never rejects what the full inspection accepts", async () => {
    for (const name of Object.keys(EXPECTED)) {
      const [quick, full] = await Promise.all([inspect(name, "format"), inspect(name, "full")]);
      if (full.verdict === "accepted") expect(quick.verdict, name).toBe("accepted");
    }
  });
});
