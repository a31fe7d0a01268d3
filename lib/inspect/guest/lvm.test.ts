import { describe, expect, it } from "vitest";
import type { RandomAccessReader } from "../reader";
import { logicalVolumes, mapperName, parseLvmMetadata, type PhysicalVolume } from "./lvm";

const MiB = 1024 * 1024;

/** A PV whose every byte is its offset's MiB number, so a read shows where it was mapped. */
function pv(uuid: string, metadata: string | null, sizeMiB = 64): PhysicalVolume {
  const reader: RandomAccessReader = {
    size: sizeMiB * MiB,
    async read(offset, length) {
      return new Uint8Array(Math.min(length, sizeMiB * MiB - offset)).map((_, i) => Math.floor((offset + i) / MiB));
    },
  };
  return { uuid, reader, metadata };
}

const vg = (lvs: string, pvs = `pv0 { id = "aaaaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa" pe_start = 2048 pe_count = 15 }`) => `
# comment line
vg0 {
  id = "x" seqno = 7
  extent_size = 8192   # 4 MiB
  physical_volumes { ${pvs} }
  logical_volumes { ${lvs} }
}
contents = "Text Format Volume Group"
`;
const UUID = "a".repeat(32);

describe("LVM2 metadata and logical volumes", () => {
  it("parses sections, strings with escapes, numbers, arrays and comments", () => {
    const config = parseLvmMetadata('a { b = "x \\" y" c = [ "p", 3 , [1,2] ] # note\n d { e = -4 } }\nf = 1\n');
    const a = config.get("a") as Map<string, unknown>;
    expect(a.get("b")).toBe('x " y');
    expect(a.get("c")).toEqual(["p", 3, [1, 2]]);
    expect((a.get("d") as Map<string, unknown>).get("e")).toBe(-4);
    expect(config.get("f")).toBe(1);
    expect(() => parseLvmMetadata("a { b = 1")).toThrow(/does not end/);
    expect(() => parseLvmMetadata(`${"x { ".repeat(40)}${"} ".repeat(40)}`)).toThrow(/nests too deeply/);
    expect(() => parseLvmMetadata("a b c")).toThrow(/unexpected/);
  });

  it("maps a linear volume's segments, in extent order, onto the physical volume", async () => {
    const lvs = `root { status = ["READ", "VISIBLE"]
      segment1 { start_extent = 0 extent_count = 2 type = "striped" stripe_count = 1 stripes = ["pv0", 5] }
      segment2 { start_extent = 2 extent_count = 1 type = "striped" stripe_count = 1 stripes = ["pv0", 0] } }`;
    const { volumes, skipped } = logicalVolumes([pv(UUID, vg(lvs))]);
    expect(skipped).toEqual([]);
    expect(volumes.map((v) => [v.vg, v.lv, v.reader.size])).toEqual([["vg0", "root", 12 * MiB]]);
    const read = async (offset: number, length: number) => [...(await volumes[0].reader.read(offset, length))];
    // LV extent 0 is PV extent 5: 1 MiB of pe_start + 5 * 4 MiB = MiB 21.
    expect(await read(0, 1)).toEqual([21]);
    expect(await read(8 * MiB - 1, 2)).toEqual([28, 1]);
    expect(await read(12 * MiB - 1, 10)).toEqual([4]);
  });

  it("lists what it does not read: thin, striped, hidden, on a missing PV; refuses a gap or a map past the PV", () => {
    const seg = (n: number, extra: string) => `segment${n} { start_extent = 0 extent_count = 1 ${extra} }`;
    const lvs = `
      thin { status = ["VISIBLE"] ${seg(1, 'type = "thin" thin_pool = "pool"')} }
      wide { status = ["VISIBLE"] ${seg(1, 'type = "striped" stripe_count = 2 stripes = ["pv0", 0, "pv1", 0]')} }
      away { status = ["VISIBLE"] ${seg(1, 'type = "striped" stripe_count = 1 stripes = ["pv9", 0]')} }
      pool_tmeta { status = ["READ"] ${seg(1, 'type = "striped" stripe_count = 1 stripes = ["pv0", 0]')} }`;
    const { volumes, skipped } = logicalVolumes([pv(UUID, vg(lvs))]);
    expect(volumes).toEqual([]);
    expect(skipped).toEqual([
      "vg0/thin: a thin segment, which Hangar does not read",
      "vg0/wide: a striped segment over several stripes, which Hangar does not read",
      "vg0/away: its physical volume pv9 is not on this disk",
    ]);
    const gap = `root { status = ["VISIBLE"] segment1 { start_extent = 1 extent_count = 1 type = "striped" stripe_count = 1 stripes = ["pv0", 0] } }`;
    expect(() => logicalVolumes([pv(UUID, vg(gap))])).toThrow(/gap or an overlap/);
    const past = `root { status = ["VISIBLE"] segment1 { start_extent = 0 extent_count = 4 type = "striped" stripe_count = 1 stripes = ["pv0", 13] } }`;
    expect(() => logicalVolumes([pv(UUID, vg(past))])).toThrow(/past its physical volume/);
  });

  it("names volumes as device-mapper does", () => {
    expect(mapperName("rhel", "root")).toBe("rhel-root");
    expect(mapperName("my-vg", "lv-home")).toBe("my--vg-lv--home");
  });
});
