import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { defined } from "../../../testing/defined";
import { fixtureFamily } from "../../../testing/fixtures";
import { InspectError } from "../../errors";
import { fileReader, recordingReader } from "../../../testing/file-reader";
import { patchedReader } from "../../../testing/patched-reader";
import { bytesReader } from "../../readers/bytes";
import { crc32cUpdate } from "../../util/crc32c";
import { sliceReader } from "../../reader";
import { readLvm } from "./index";
import { lvmCrc } from "./crc";
import { MAX_LV_READ } from "./mapped-reader";
import { interpretMetadata, parseMetadataText } from "./metadata";
import { buildPv, expectInspectError, linear, lvSection, vgText, writeMdaHeader } from "./test-support";
import { prng } from "../../testing/prng";

const MiB = 1 << 20;

async function scanText(text: string, options?: Parameters<typeof buildPv>[1]) {
  return readLvm([bytesReader(buildPv(text, options))]);
}

async function reasonOf(lvs: string, name: string, options?: Parameters<typeof vgText>[1]): Promise<string | undefined> {
  const scan = await scanText(vgText(lvs, options));
  const lv = defined(
    scan.volumeGroups[0].logicalVolumes.find((candidate) => candidate.name === name),
    `LV ${name}`,
  );
  expect(lv.reader).toBeNull();
  return lv.reason;
}

const stripes = (count: number, size: number, list: string) => `type = "striped"\nstripe_count = ${count}\nstripe_size = ${size}\nstripes = [${list}]`;

describe("LVM reader on hostile metadata", () => {
  it("an LV built on itself, directly or through another, is unreadable with a reason", async () => {
    expect(await reasonOf(lvSection("a", [linear(0, "a")]), "a")).toMatch(/refer back to a/);
    const pair = [lvSection("a", [linear(0, "b")]), lvSection("b", [linear(0, "a")])].join("\n");
    expect(await reasonOf(pair, "a")).toMatch(/loop/);
    const mirror = lvSection("m", ['type = "mirror"\nmirror_count = 2\nmirrors = ["m", 0, "m", 0]']);
    expect(await reasonOf(mirror, "m")).toMatch(/none of its 2 mirror legs/);
  });

  it("extents past the PV, huge extents and stripes that do not fit are reasons, not reads", async () => {
    expect(await reasonOf(lvSection("big", ['type = "striped"\nstripe_count = 1\nstripes = ["pv0", 0]'], { extents: 4294967295 }), "big")).toMatch(
      /past the 3 extents/,
    );
    expect(await reasonOf(lvSection("far", [linear(2)], { extents: 2 }), "far")).toMatch(/past the 3 extents/);
    expect(await reasonOf(lvSection("wide", [linear(0)]), "wide", { extentSize: 4294967295, peCount: 1 })).toMatch(/truncated/);
    expect(await reasonOf(lvSection("tiny", [stripes(2, 1, '"pv0", 0, "pv0", 1')], { extents: 2 }), "tiny")).toMatch(/stripe size of 1 sectors/);
  });

  it("reads a zero segment as zeros and refuses a read larger than the bound without allocating it", async () => {
    const scan = await scanText(vgText(lvSection("z", ['type = "zero"'], { extents: 300 })));
    const zero = defined(scan.volumeGroups[0].logicalVolumes[0].reader, "the zero LV's reader");
    expect(zero.size).toBe(300 * MiB);
    expect(await zero.read(5, 10)).toEqual(new Uint8Array(10));
    await expectInspectError(zero.read(0, MAX_LV_READ + 1), "limit");
    await expectInspectError(zero.read(-1, 10), "corrupt");
    await expectInspectError(zero.read(0.5, 10), "corrupt");
  });

  it("bounds the reads of linear LVs too", async () => {
    const scan = await scanText(vgText(lvSection("l", [linear(0)])));
    const reader = defined(scan.volumeGroups[0].logicalVolumes[0].reader, "the linear LV's reader");
    await expectInspectError(reader.read(Number.MAX_SAFE_INTEGER + 2, 1), "corrupt");
    expect(await reader.read(MiB, 10)).toEqual(new Uint8Array(0));
    expect((await reader.read(MiB - 3, 10)).length).toBe(3);
  });

  it.each([
    ["segments with a gap", lvSection("g", [linear(0)]).replace("start_extent = 0", "start_extent = 1"), /gap or overlap/],
    ["a wrong segment_count", lvSection("c", [linear(0)]).replace("segment_count = 1", "segment_count = 2"), /segment_count/],
    ["an area naming nothing", lvSection("n", [linear(0, "nothing")]), /neither a physical nor a logical volume/],
    [
      "a stripes list of the wrong length",
      lvSection("s", ['type = "striped"\nstripe_count = 2\nstripe_size = 128\nstripes = ["pv0", 0]']),
      /does not hold 2 areas/,
    ],
    ["a negative extent", lvSection("e", ['type = "striped"\nstripe_count = 1\nstripes = ["pv0", -1]']), /malformed area/],
    ["a malformed uuid", lvSection("u", [linear(0)]).replace("-aaaa-", "-a-"), /not an LVM uuid/],
    ["a string where a number belongs", lvSection("t", [linear(0)]).replace("extent_count = 1", 'extent_count = "1"'), /not an integer/],
  ])("metadata with %s is corrupt", async (_, lvs, message) => {
    await expectInspectError(scanText(vgText(lvs)), "corrupt", message);
  });

  it("metadata without the format's contents line or version is corrupt", async () => {
    await expectInspectError(scanText(vgText("").replace("contents", "content")), "corrupt", /contents/);
    await expectInspectError(scanText(vgText("").replace("version = 1", "version = 2")), "corrupt", /version/);
    await expectInspectError(scanText('contents = "Text Format Volume Group"\nversion = 1\n'), "corrupt", /no volume group/);
  });

  it("bounds the number of LVs, PVs, segments and the nesting depth", async () => {
    const many = vgText(Array.from({ length: 20 }, (_, index) => lvSection(`lv${index}`, [linear(0)])).join("\n"));
    const parsed = parseMetadataText(many);
    expect(() => interpretMetadata(parsed, { maxLogicalVolumes: 19, maxPhysicalVolumes: 10, maxSegmentsPerLv: 10, maxAreasPerSegment: 10 })).toThrow(
      /more than 19 logical volumes/,
    );
    expect(() => interpretMetadata(parsed, { maxLogicalVolumes: 20, maxPhysicalVolumes: 0, maxSegmentsPerLv: 10, maxAreasPerSegment: 10 })).toThrow(
      /more than 0 physical volumes/,
    );
    const segments = parseMetadataText(vgText(lvSection("s", [linear(0), linear(1)])));
    expect(() => interpretMetadata(segments, { maxLogicalVolumes: 9, maxPhysicalVolumes: 9, maxSegmentsPerLv: 1, maxAreasPerSegment: 9 })).toThrow(
      /more than 1 segments/,
    );
    await expectInspectError(scanText(vgText(`deep ${"{ x ".repeat(20)}${"}".repeat(20)}`)), "limit", /deeper than 16/);
  });

  it.each([
    ["a text offset inside the header", { textOffset: 100 }, /starts outside the area/],
    ["a text offset past the area", { textOffset: 1044480 }, /starts outside the area/],
    ["a text larger than the circular buffer", { size: 1044480 - 511 }, /impossible size/],
    ["an area size below its header", { mdaSize: 512 }, /impossible size/],
    ["an area size above the label's", { mdaSize: 1044481 }, /impossible size/],
  ] as [string, { size?: number; textOffset?: number; mdaSize?: number }, RegExp][])(
    "a metadata area header with %s is corrupt",
    async (_, header, message) => {
      const pv = buildPv(vgText(lvSection("l", [linear(0)])));
      const text = pv.subarray(4096 + 512, 4096 + 512 + 2000);
      const size = header.size ?? text.indexOf(0) + 1;
      writeMdaHeader(pv, 4096, header.mdaSize ?? 1044480, header.textOffset ?? 512, size, lvmCrc(text.subarray(0, size)));
      await expectInspectError(readLvm([bytesReader(pv)]), "corrupt", message);
    },
  );
});

const richText = vgText(
  [
    lvSection("root", [linear(0)]),
    lvSection("two", [linear(2), linear(1)]),
    lvSection("st", [stripes(2, 128, '"pv0", 0, "pv0", 1')], { extents: 2 }),
    lvSection("m", ['type = "mirror"\nmirror_count = 2\nmirrors = ["m_mimage_0", 0, "m_mimage_1", 0]']),
    lvSection("m_mimage_0", [linear(1)], { visible: false }),
    lvSection("m_mimage_1", [linear(2)], { visible: false }),
    lvSection("r", ['type = "raid1"\ndevice_count = 2\nraids = ["r_rmeta_0", "r_rimage_0", "-", "r_rimage_1"]']),
    lvSection("r_rmeta_0", [linear(0)], { visible: false }),
    lvSection("r_rimage_0", [linear(1)], { visible: false }),
    lvSection("r_rimage_1", [linear(2)], { visible: false }),
    lvSection("z", ['type = "zero"'], { extents: 5 }),
    lvSection("t", ['type = "thin"\nthin_pool = "p"\ndevice_id = 1']),
  ].join("\n"),
);

describe("LVM reader under mutation", () => {
  it("the rich metadata used below reads without damage", async () => {
    const scan = await scanText(richText);
    expect(scan.volumeGroups[0].logicalVolumes.map((lv) => [lv.name, lv.reader?.size ?? lv.reason])).toEqual([
      ["root", MiB],
      ["two", 2 * MiB],
      ["st", 2 * MiB],
      ["m", MiB],
      ["r", MiB],
      ["z", 5 * MiB],
      ["t", "its thin pool p: it is not in the volume group"],
    ]);
  });

  it("two thousand damaged texts, labels and headers (checksums fixed) give only InspectErrors and bounded reads", async () => {
    const base = buildPv(richText);
    const textLength = base.indexOf(0, 4096 + 512) - (4096 + 512) + 1;
    expect(4096 + 512 + textLength).toBeLessThan(16 * 1024);
    const digits = "0123456789";
    const next = prng(7);
    let scanned = 0;
    for (let round = 0; round < 2000; round++) {
      // The label, the area header and the text lie in the first 16 KiB: only they are copied and damaged.
      const pv = base.slice(0, 16 * 1024);
      const target = next();
      if (target < 0.7) {
        // The text: change digits (counts, extents, sizes), characters, or cut it; then re-sign it.
        const text = pv.subarray(4096 + 512, 4096 + 512 + textLength);
        for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
          const at = Math.floor(next() * (textLength - 1));
          text[at] = next() < 0.6 && digits.includes(String.fromCharCode(text[at])) ? digits.charCodeAt(Math.floor(next() * 10)) : Math.floor(next() * 128);
        }
        writeMdaHeader(pv, 4096, 1044480, 512, textLength, lvmCrc(text));
      } else if (target < 0.85) {
        // The label: any byte of the PV header, then the label checksum fixed.
        const at = 512 + 32 + Math.floor(next() * 120);
        pv[at] = Math.floor(next() * 256);
        new DataView(pv.buffer).setUint32(512 + 16, lvmCrc(pv.subarray(512 + 20, 1024)), true);
      } else {
        // The area header: raw_locn and sizes, then its checksum fixed.
        const at = 4096 + 20 + Math.floor(next() * 44);
        pv[at] = next() < 0.5 ? 0xff : Math.floor(next() * 256);
        new DataView(pv.buffer).setUint32(4096, lvmCrc(pv.subarray(4096 + 4, 4096 + 512)), true);
      }
      const log: { offset: number; length: number }[] = [];
      try {
        const scan = await readLvm([recordingReader(patchedReader(bytesReader(base), [{ offset: 0, bytes: pv }]), log)]);
        scanned++;
        for (const lv of scan.volumeGroups.flatMap((vg) => vg.logicalVolumes)) {
          if (!lv.reader) {
            expect(lv.reason, lv.name).toBeTruthy();
            continue;
          }
          for (const offset of [0, Math.floor(lv.reader.size / 2), lv.reader.size - 1]) await lv.reader.read(offset, 64 * 1024);
        }
      } catch (error) {
        if (!(error instanceof InspectError)) throw new Error(`round ${round}: ${String(error)}`);
      }
      expect(
        log.reduce((sum, read) => sum + read.length, 0),
        `round ${round}`,
      ).toBeLessThan(4 * MiB);
    }
    expect(scanned).toBeGreaterThan(200);
  });
});

const fixtures = fixtureFamily("lvm");
const thinSkipped = fixtures.skipped ?? (fs.existsSync(fixtures.file("thin.skipped")) ? fs.readFileSync(fixtures.file("thin.skipped"), "utf8").trim() : null);

describe.skipIf(thinSkipped)(`thin pool metadata under mutation (${thinSkipped ?? "fixtures built"})`, () => {
  it("damaged superblock and B-tree nodes (checksums fixed) give only InspectErrors or reasons", async () => {
    const pv = sliceReader(fileReader(fixtures.file("mbr.img")), 9 * MiB, 64 * MiB);
    const tmeta = MiB + 8 * 4 * MiB; // pool00_tmeta: extent 8 of the PV
    const metadata = await pv.read(tmeta, 4 * MiB);
    const used = Array.from({ length: metadata.length / 4096 }, (_, index) => index).filter((index) =>
      metadata.subarray(index * 4096, (index + 1) * 4096).some((byte) => byte !== 0),
    );
    expect(used.length).toBeGreaterThanOrEqual(3);
    const next = prng(11);
    let readable = 0;
    for (let round = 0; round < 400; round++) {
      const index = used[Math.floor(next() * used.length)];
      const block = metadata.slice(index * 4096, (index + 1) * 4096);
      // Headers and keys sit at the front of a block: aim most damage there.
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) block[4 + Math.floor(next() * (next() < 0.7 ? 400 : 4092))] = Math.floor(next() * 256);
      new DataView(block.buffer).setUint32(0, (crc32cUpdate(0xffffffff, block.subarray(4)) ^ (index === 0 ? 160774 : 121107)) >>> 0, true);
      try {
        const scan = await readLvm([patchedReader(pv, [{ offset: tmeta + index * 4096, bytes: block }])]);
        const thin = defined(
          scan.volumeGroups[0].logicalVolumes.find((lv) => lv.name === "thin"),
          "LV thin",
        );
        if (!thin.reader) {
          expect(thin.reason).toMatch(/thin/);
          continue;
        }
        await thin.reader.read(0, MiB);
        await thin.reader.read(thin.reader.size - 100_000, 100_000);
        readable++;
      } catch (error) {
        if (!(error instanceof InspectError)) throw new Error(`round ${round}: ${String(error)}`);
      }
    }
    expect(readable).toBeGreaterThan(10);
  });
});
