import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../testing/fixtures";
import { isInspectError } from "../errors";
import { bytesReader } from "../readers/bytes";
import { setU16le, setU32le } from "../testing/byte-edits";
import { below, prng } from "../testing/prng";
import { reasonOf } from "../testing/reason-of";
import { headerChecksum } from "./hive";
import { RegistryHive, type RegistryKey } from "./index";

const family = fixtureFamily("registry");
const BINS = 4096;

/** A fresh copy of a fixture hive, edited by `edit`, with its header checksum made right again unless `keepChecksum`. */
function edited(name: string, edit: (bytes: Uint8Array, dv: { u32: (at: number) => number }) => void, keepChecksum = false): Uint8Array {
  const bytes = new Uint8Array(fs.readFileSync(family.file(name)));
  edit(bytes, { u32: (at) => new DataView(bytes.buffer).getUint32(at, true) });
  if (!keepChecksum) setU32le(bytes, 0x1fc, headerChecksum(bytes));
  return bytes;
}

/** Reads every key and value the hive leads to, within bounds a damaged hive cannot stretch. */
async function readAll(bytes: Uint8Array): Promise<void> {
  const hive = await RegistryHive.open(bytesReader(bytes), "damaged");
  let budget = 20_000;
  const visit = async (key: RegistryKey, depth: number) => {
    await key.values();
    if (depth > 8) return;
    for (const child of await key.subkeys()) {
      if (--budget < 0) return;
      await visit(child, depth + 1);
    }
  };
  await visit(hive.root(), 0);
}

describe.skipIf(family.skipped)("registry hives that lie: only coded InspectErrors come out", () => {
  it("a damaged base block: checksum, version, bins beyond the file, a root in free space or outside the bins", async () => {
    const open = (bytes: Uint8Array) => reasonOf(RegistryHive.open(bytesReader(bytes)));
    expect(await open(edited("crafted.hive", (b) => (b[0x30] ^= 1), true))).toBe("regf.checksum_mismatch");
    expect(await open(edited("crafted.hive", (b) => (b[0] = 0x52)))).toBe("regf.not_a_hive");
    expect(await open(edited("crafted.hive", (b) => setU32le(b, 0x14, 2)))).toBe("regf.unsupported_version");
    expect(await open(edited("crafted.hive", (b) => setU32le(b, 0x28, 0x7ffff000)))).toBe("regf.bins_invalid");
    expect(await open(edited("crafted.hive", (b) => setU32le(b, 0x24, 0x7ffffff8)))).toBe("regf.cell_invalid");
    expect(await open(edited("crafted.hive", (b, v) => setU32le(b, BINS + v.u32(0x24), 0x100)))).toBe("regf.cell_invalid");
    expect(await open(edited("crafted.hive", (b) => b.set([0x78, 0x78, 0x78, 0x78], BINS)))).toBe("regf.bins_invalid");
    expect(await open(new Uint8Array(2048))).toBe("regf.truncated");
  });

  it("lists and values that point where they must not: an ri inside an ri, a list that is a key, counts past the cell, absurd data sizes", async () => {
    const hive = await RegistryHive.open(bytesReader(new Uint8Array(fs.readFileSync(family.file("crafted.hive")))));
    const indexRoot = (await hive.key("IndexRoot")) as RegistryKey;
    const values = (await hive.key("Values")) as RegistryKey;
    const ri = indexRoot.subkeyList;
    const listOf = (bytes: Uint8Array) => new DataView(bytes.buffer).getUint32(BINS + ri + 4 + 4, true);
    // The ri's first sublist relabelled "ri": an index root inside an index root.
    const nested = edited("crafted.hive", (b) => b.set([0x72, 0x69], BINS + listOf(b) + 4));
    expect(await reasonOf((async () => (await RegistryHive.open(bytesReader(nested))).key("IndexRoot\\Child001"))())).toBe("regf.list_invalid");
    // The ri's first entry pointing at the key itself, and at the ri.
    for (const target of [indexRoot.offset, ri]) {
      const loop = edited("crafted.hive", (b) => setU32le(b, BINS + ri + 4 + 4, target));
      expect(await reasonOf((async () => (await RegistryHive.open(bytesReader(loop))).key("IndexRoot\\Child001"))())).toBe("regf.list_invalid");
    }
    const count = edited("crafted.hive", (b) => setU16le(b, BINS + ri + 4 + 2, 0xffff));
    expect(await reasonOf((async () => (await RegistryHive.open(bytesReader(count))).key("IndexRoot\\Child001"))())).toBe("regf.list_invalid");
    const claims = edited("crafted.hive", (b) => setU32le(b, BINS + indexRoot.offset + 4 + 0x14, 0x7fffffff));
    expect(await reasonOf((async () => (await RegistryHive.open(bytesReader(claims))).key("IndexRoot\\Child001"))())).toBe("regf.too_many");
    // Every value's data size set absurd, then every value pointing at the value list.
    const vks = (b: Uint8Array) =>
      Array.from({ length: values.valueCount }, (_, i) => new DataView(b.buffer).getUint32(BINS + values.valueList + 4 + 4 * i, true));
    const huge = edited("crafted.hive", (b) => vks(b).forEach((vk) => setU32le(b, BINS + vk + 4 + 4, 0x7ffffff0)));
    expect(await reasonOf((async () => (await (await RegistryHive.open(bytesReader(huge))).key("Values"))?.values())())).toBe("regf.too_many");
    const self = edited("crafted.hive", (b) => vks(b).forEach((vk) => setU32le(b, BINS + vk + 4 + 8, values.valueList)));
    expect(await reasonOf((async () => (await (await RegistryHive.open(bytesReader(self))).key("Values"))?.value("Big"))())).toBe("regf.value_invalid");
  });

  it("random bytes changed in the cells a full read touches: every read ends, in data or in an InspectError", async () => {
    const clean = new Uint8Array(fs.readFileSync(family.file("crafted.hive")));
    const seed = Math.floor(Math.random() * 2 ** 32);
    const random = prng(seed);
    for (let mutant = 0; mutant < 150; mutant++) {
      const bytes = clean.slice();
      for (let n = 1 + below(random, 12); n > 0; n--) bytes[BINS + below(random, bytes.length - BINS)] = below(random, 256);
      await readAll(bytes).catch((error: unknown) => {
        if (!isInspectError(error)) throw new Error(`seed ${seed}, mutant ${mutant}: ${String(error)}`);
      });
    }
  });
});
