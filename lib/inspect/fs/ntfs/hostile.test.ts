import { describe, expect, it } from "vitest";
import { recordingReader } from "../../../testing/file-reader";
import { fixtureReaders } from "../../testing/fixture-readers";
import { fixtureFamily } from "../../../testing/fixtures";
import { patchedReader } from "../../../testing/patched-reader";
import { isInspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import { below, prng } from "../../testing/prng";
import { reasonOf } from "../../testing/reason-of";
import type { FileSystem } from "../file-system";
import { GuestFs } from "../guest-fs";
import { ATTR } from "./attributes";
import { parseBootSector, type NtfsGeometry } from "./boot-sector";
import { applyFixups } from "./fixups";
import { openNtfsFileSystem } from "./index";
import { NtfsVolume } from "./volume";

const family = fixtureFamily("ntfs");
type Patch = { offset: number; bytes: Uint8Array };

const open = fixtureReaders(family, ".ntfs");

/** A record or index block written back the way NTFS protects it: each stride's last two bytes saved in the update sequence array. */
function protect(fixed: Uint8Array): Uint8Array {
  const out = fixed.slice();
  const usa = out[4] | (out[5] << 8);
  const count = out[6] | (out[7] << 8);
  for (let i = 1; i < count; i++) {
    const end = i * 512 - 2;
    out[usa + 2 * i] = fixed[end];
    out[usa + 2 * i + 1] = fixed[end + 1];
    out[end] = fixed[usa];
    out[end + 1] = fixed[usa + 1];
  }
  return out;
}

/** The offset of attribute `type` in a fixed-up record. */
function attributeAt(record: Uint8Array, type: number): number {
  for (let at = record[0x14] | (record[0x15] << 8); ;) {
    const found = new DataView(record.buffer, record.byteOffset).getUint32(at, true);
    if (found === type) return at;
    if (found === 0xffffffff) throw new Error(`attribute 0x${type.toString(16)} is not in the record`);
    at += new DataView(record.buffer, record.byteOffset).getUint32(at + 4, true);
  }
}

interface Volume {
  reader: RandomAccessReader;
  geometry: NtfsGeometry;
  guest: GuestFs;
  volume: NtfsVolume;
  /** The MFT record of a path. */
  record(path: string): Promise<number>;
  /** Where record `n` is on disk (the MFT's first extent), checked against the record's own number. */
  recordOffset(n: number): Promise<number>;
  /** A patch rewriting record `n` after `edit` changed its fixed-up bytes. */
  editRecord(n: number, edit: (record: Uint8Array, view: DataView) => void): Promise<Patch>;
}

async function volumeOf(name: string): Promise<Volume> {
  const reader = open(name);
  const geometry = parseBootSector(await reader.read(0, 512));
  const guest = new GuestFs((await openNtfsFileSystem(reader)) as FileSystem);
  const volume = await NtfsVolume.open(reader, geometry);
  const recordOffset = async (n: number) => {
    const offset = geometry.mftCluster * geometry.clusterSize + n * geometry.recordSize;
    const raw = await reader.read(offset, geometry.recordSize);
    expect(new DataView(raw.buffer, raw.byteOffset).getUint32(0x2c, true), `record ${n} lies in the MFT's first extent`).toBe(n);
    return offset;
  };
  return {
    reader,
    geometry,
    guest,
    volume,
    recordOffset,
    async record(path) {
      const found = await guest.resolve(path, false);
      if (!found.ok) throw new Error(`${path} is missing`);
      return found.ref as number;
    },
    async editRecord(n, edit) {
      const offset = await recordOffset(n);
      const fixed = applyFixups(await reader.read(offset, geometry.recordSize), "FILE", `record ${n}`);
      edit(fixed, new DataView(fixed.buffer));
      return { offset, bytes: protect(fixed) };
    },
  };
}

const damaged = async (reader: RandomAccessReader, patches: Patch[]) => new GuestFs((await openNtfsFileSystem(patchedReader(reader, patches))) as FileSystem);

describe.skipIf(family.skipped)("NTFS volumes that lie: only coded InspectErrors come out, in bounded work", () => {
  it("a torn record, runs off the volume or past their extent, a record number past the MFT", async () => {
    const v = await volumeOf("tree");
    const root = await v.recordOffset(5);
    expect(await reasonOf(openNtfsFileSystem(patchedReader(v.reader, [{ offset: root + 510, bytes: Uint8Array.of(0x55, 0xaa) }])))).toBe("ntfs.fixup_mismatch");
    const random = await v.record("/compressed/random.bin");
    const offVolume = await v.editRecord(random, (record, view) => {
      const data = attributeAt(record, ATTR.data);
      const runs = data + view.getUint16(data + 0x20, true);
      const header = record[runs];
      // The first run's LCN field set to its largest positive value.
      for (let i = 0; i < header >> 4; i++) record[runs + 1 + (header & 15) + i] = i === (header >> 4) - 1 ? 0x7f : 0xff;
    });
    expect(await reasonOf((await damaged(v.reader, [offVolume])).stat("/compressed/random.bin"))).toBe("ntfs.runlist_invalid");
    const shortExtent = await v.editRecord(random, (record, view) => {
      const data = attributeAt(record, ATTR.data);
      view.setUint32(data + 0x18, 0, true);
    });
    expect(await reasonOf((await damaged(v.reader, [shortExtent])).stat("/compressed/random.bin"))).toBe("ntfs.runlist_invalid");
    const links = await v.record("/links");
    const farEntry = await v.editRecord(links, (record, view) => {
      const root = attributeAt(record, ATTR.indexRoot);
      const value = root + view.getUint16(root + 0x14, true);
      const first = value + 0x10 + view.getUint32(value + 0x10, true);
      view.setUint32(first, 0xfffffff0, true);
    });
    const guest = await damaged(v.reader, [farEntry]);
    expect(await reasonOf(guest.readdir("/links").then(async (entries) => Promise.all((entries ?? []).map((e) => guest.stat(`/links/${e.name}`)))))).toBe(
      "ntfs.record_out_of_range",
    );
  });

  it("an index block whose child points back at itself: a listing and a lookup stop with index_cycle", async () => {
    const v = await volumeOf("tree");
    const big = await v.volume.node(await v.record("/big"));
    const allocation = big.attributes.find((a) => a.type === ATTR.indexAllocation);
    if (!allocation || allocation.resident) throw new Error("/big has no index allocation");
    const size = v.geometry.indexBlockSize;
    // Find a block with an entry that has a child, and make that child the block itself.
    for (let vcnOffset = 0; vcnOffset < allocation.dataSize; vcnOffset += size) {
      const run = allocation.runs.find(
        (r) => r.lcn !== null && vcnOffset >= r.vcn * v.geometry.clusterSize && vcnOffset < (r.vcn + r.length) * v.geometry.clusterSize,
      );
      if (!run || run.lcn === null) continue;
      const offset = run.lcn * v.geometry.clusterSize + (vcnOffset - run.vcn * v.geometry.clusterSize);
      const raw = await v.reader.read(offset, size);
      if (String.fromCharCode(...raw.subarray(0, 4)) !== "INDX") continue;
      const block = applyFixups(raw, "INDX", "block");
      const view = new DataView(block.buffer);
      const vcn = view.getUint32(0x10, true);
      let at = 0x18 + view.getUint32(0x18, true);
      const length = view.getUint16(at + 8, true);
      if (!(view.getUint16(at + 12, true) & 1)) continue;
      view.setUint32(at + length - 8, vcn, true);
      at += length;
      const guest = await damaged(v.reader, [{ offset, bytes: protect(block) }]);
      expect(await reasonOf(guest.readdir("/big"))).toBe("ntfs.index_cycle");
      expect(await reasonOf(guest.stat("/big/file-with-a-longish-name-00001.txt"))).toBe("ntfs.index_cycle");
      return;
    }
    throw new Error("no index block of /big has a child: the directory is not multi-level");
  });

  it("an attribute list naming another file's record, a wrong-sized $UpCase, an absurd data size, garbage in LZNT1 data", async () => {
    const v = await volumeOf("tree");
    const target = await v.record("/many-links/target.txt");
    const base = await v.volume.record(target);
    const list = base.attributes.find((a) => a.type === ATTR.attributeList);
    if (!list) throw new Error("many-links/target.txt has no attribute list");
    const pointAtRoot = (bytes: Uint8Array) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      for (let at = 0; at + 0x1a <= bytes.length; at += view.getUint16(at + 4, true)) {
        if (view.getUint32(at + 0x10, true) !== target && view.getUint16(at + 4, true) >= 0x1a) {
          view.setUint32(at + 0x10, 5, true);
          return;
        }
      }
      throw new Error("every entry of the list is in the base record");
    };
    let foreign: Patch;
    if (list.resident) {
      foreign = await v.editRecord(target, (record, view) => {
        const at = attributeAt(record, ATTR.attributeList);
        pointAtRoot(record.subarray(at + view.getUint16(at + 0x14, true)));
      });
    } else {
      const offset = (list.runs[0].lcn as number) * v.geometry.clusterSize;
      const bytes = (await v.reader.read(offset, list.dataSize)).slice();
      pointAtRoot(bytes);
      foreign = { offset, bytes };
    }
    expect(await reasonOf((await damaged(v.reader, [foreign])).stat("/many-links/target.txt"))).toBe("ntfs.extension_record_foreign");

    const upcase = await v.editRecord(10, (record, view) => {
      const data = attributeAt(record, ATTR.data);
      view.setUint32(data + 0x30, 1000, true);
      view.setUint32(data + 0x38, 1000, true);
    });
    expect(await reasonOf((await damaged(v.reader, [upcase])).stat("/Windows"))).toBe("ntfs.upcase_invalid");

    const fragmented = await v.record("/fragmented.bin");
    const absurd = await v.editRecord(fragmented, (record, view) => {
      const data = attributeAt(record, ATTR.data);
      view.setUint32(data + 0x34, 0x40000, true);
      view.setUint32(data + 0x3c, 0x40000, true);
    });
    const huge = await damaged(v.reader, [absurd]);
    const file = await huge.open("/fragmented.bin");
    expect(file?.size).toBe(0x40000 * 2 ** 32 + 3000000);
    expect(await reasonOf(huge.readFile("/fragmented.bin", 2 ** 62))).toBe("ntfs.too_large");
    expect(await reasonOf(file?.read(2 ** 50, 16) ?? Promise.resolve())).toBe("ntfs.runlist_invalid");

    const seq = await v.volume.node(await v.record("/compressed/seq.txt"));
    const data = seq.attributes.find((a) => a.type === ATTR.data);
    if (!data || data.resident) throw new Error("seq.txt is resident");
    const random = prng(7);
    const garbage = data.runs
      .filter((r) => r.lcn !== null)
      .map((r) => ({
        offset: (r.lcn as number) * v.geometry.clusterSize,
        bytes: Uint8Array.from({ length: r.length * v.geometry.clusterSize }, () => below(random, 256)),
      }));
    expect(["no error", "ntfs.compression_invalid"]).toContain(await reasonOf((await damaged(v.reader, garbage)).readFile("/compressed/seq.txt")));
  });

  it("random bytes changed in what a full walk reads: every walk ends, in data or in an InspectError", async () => {
    const reader = open("small-clusters");
    const recorded = recordingReader(reader);
    await walkAll(new GuestFs((await openNtfsFileSystem(recorded)) as FileSystem), "/");
    const ranges = recorded.reads.filter((r) => r.length > 0);
    const seed = Math.floor(Math.random() * 2 ** 32);
    const random = prng(seed);
    for (let mutant = 0; mutant < 80; mutant++) {
      const patches: Patch[] = [];
      for (let n = 1 + below(random, 8); n > 0; n--) {
        const range = ranges[below(random, ranges.length)];
        patches.push({
          offset: range.offset + below(random, range.length),
          bytes: Uint8Array.from({ length: 1 + below(random, 4) }, () => below(random, 256)),
        });
      }
      await (async () => {
        // Damage to the signature leaves something that is not NTFS at all: nothing to walk.
        const damagedFs = await openNtfsFileSystem(patchedReader(reader, patches));
        if (damagedFs) await walkAll(new GuestFs(damagedFs), "/");
      })().catch((error: unknown) => {
        if (!isInspectError(error)) throw new Error(`seed ${seed}, mutant ${mutant}: ${error instanceof Error ? error.stack : String(error)}`);
      });
    }
  }, 120_000);
});

/** Lists, stats and reads everything under `path` (links not followed), within a budget. */
async function walkAll(guest: GuestFs, path: string, budget = { entries: 5000 }, depth = 0): Promise<void> {
  if (depth > 12) return;
  for (const entry of (await guest.readdir(path)) ?? []) {
    if (--budget.entries < 0) return;
    const child = `${path === "/" ? "" : path}/${entry.name}`;
    const stat = await guest.lstat(child);
    if (stat?.type === "file") await guest.readFile(child, 1 << 24);
    else if (stat?.type === "directory") await walkAll(guest, child, budget, depth + 1);
    else if (stat?.type === "symlink") await guest.readlink(child);
  }
}
