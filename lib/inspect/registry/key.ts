import { latin1, u16le, u32le, u64le, utf16le } from "../binary";
import { HiveCells, NO_CELL } from "./hive";
import { REGF } from "./regf-errors";
import { readValue, valueName, type RegistryValue } from "./value";

/** Subkeys or values one key may list; the largest keys of a real hive hold tens of thousands. */
export const MAX_ENTRIES = 200_000;
const KEY_COMP_NAME = 0x0020;
/** Seconds from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
const FILETIME_EPOCH = 11_644_473_600;

/** Registry names compare without case, code unit by code unit, as Windows' RtlUpcaseUnicodeChar does. */
export function upcaseName(name: string): string {
  let out = "";
  for (const char of name) {
    const upper = char.toUpperCase();
    out += upper.length === char.length ? upper : char;
  }
  return out;
}

/** The hash an lh list keeps for a name: h = h * 37 + each upcased code unit. */
export function lhHash(name: string): number {
  const upper = upcaseName(name);
  let hash = 0;
  for (let i = 0; i < upper.length; i++) hash = (Math.imul(hash, 37) + upper.charCodeAt(i)) >>> 0;
  return hash;
}

interface SubkeyRef {
  offset: number;
  /** lf: the first four characters of the name; lh: its hash; li and ri sublists carry nothing. */
  hint: { kind: "prefix"; value: string } | { kind: "hash"; value: number } | null;
}

/**
 * One key (nk cell) of a hive. Subkeys are found through the key's subkey list (lf, lh, li, or an
 * ri of those) and values through its value list, both read on demand. Nothing here recurses
 * further than one ri level, so a damaged hive cannot send a lookup in circles.
 */
export class RegistryKey {
  private constructor(
    private readonly cells: HiveCells,
    readonly offset: number,
    readonly name: string,
    /** The key's last write, in seconds since the epoch. */
    readonly lastWritten: number,
    readonly subkeyCount: number,
    /** The subkey list cell (NO_CELL without subkeys). */
    readonly subkeyList: number,
    readonly valueCount: number,
    /** The value list cell (NO_CELL without values). */
    readonly valueList: number,
  ) {}

  static async at(cells: HiveCells, offset: number): Promise<RegistryKey> {
    const nk = await cells.cell(offset, 0x4c);
    const bad = (detail: string) => REGF.key_invalid({ what: cells.what, offset, detail });
    if (HiveCells.signature(nk) !== "nk") throw bad("is not an nk cell");
    const nameLength = u16le(nk, 0x48);
    if (0x4c + nameLength > nk.length) throw bad("has a name longer than its cell");
    const nameBytes = nk.subarray(0x4c, 0x4c + nameLength);
    const name = u16le(nk, 0x02) & KEY_COMP_NAME ? latin1(nameBytes) : utf16le(nameBytes, 0, nameLength - (nameLength % 2));
    const filetime = u64le(nk, 0x04);
    const subkeyCount = u32le(nk, 0x14);
    const valueCount = u32le(nk, 0x24);
    if (subkeyCount > MAX_ENTRIES || valueCount > MAX_ENTRIES) {
      throw REGF.too_many({ what: cells.what, detail: `key ${name} claims ${subkeyCount} subkeys and ${valueCount} values`, limit: MAX_ENTRIES });
    }
    const lastWritten = filetime > 0 ? Math.floor(filetime / 10_000_000) - FILETIME_EPOCH : 0;
    return new RegistryKey(cells, offset, name, lastWritten, subkeyCount, u32le(nk, 0x1c), valueCount, u32le(nk, 0x28));
  }

  /** The cells of this key's subkeys, from its list and (through an ri) its sublists. */
  private async subkeyRefs(): Promise<SubkeyRef[]> {
    if (this.subkeyCount === 0 || this.subkeyList === NO_CELL) return [];
    const refs: SubkeyRef[] = [];
    await this.readList(this.subkeyList, refs, true);
    if (refs.length !== this.subkeyCount) {
      throw REGF.list_invalid({
        what: this.cells.what,
        offset: this.subkeyList,
        detail: `lists ${refs.length} subkeys of ${this.name}, which claims ${this.subkeyCount}`,
      });
    }
    return refs;
  }

  private async readList(offset: number, refs: SubkeyRef[], top: boolean): Promise<void> {
    const list = await this.cells.cell(offset, 4);
    const kind = HiveCells.signature(list);
    const count = u16le(list, 2);
    const bad = (detail: string) => REGF.list_invalid({ what: this.cells.what, offset, detail });
    const width = kind === "lf" || kind === "lh" ? 8 : 4;
    if (!["lf", "lh", "li", "ri"].includes(kind)) throw bad("is not lf, lh, li or ri");
    if (4 + count * width > list.length) throw bad(`claims ${count} entries in ${list.length} bytes`);
    if (kind === "ri" && !top) throw bad("is an ri inside an ri");
    for (let i = 0; i < count; i++) {
      const at = 4 + i * width;
      const cell = u32le(list, at);
      if (kind === "ri") await this.readList(cell, refs, false);
      else if (kind === "lf")
        refs.push({ offset: cell, hint: { kind: "prefix", value: upcaseName(latin1(list.subarray(at + 4, at + 8)).replace(/\0+$/, "")) } });
      else if (kind === "lh") refs.push({ offset: cell, hint: { kind: "hash", value: u32le(list, at + 4) } });
      else refs.push({ offset: cell, hint: null });
      if (refs.length > this.subkeyCount) throw bad(`lists more subkeys than the ${this.subkeyCount} ${this.name} claims`);
    }
  }

  /** The subkey `name` (case-insensitive), or null. */
  async subkey(name: string): Promise<RegistryKey | null> {
    const wanted = upcaseName(name);
    const hash = lhHash(name);
    for (const ref of await this.subkeyRefs()) {
      if (ref.hint?.kind === "hash" && ref.hint.value !== hash) continue;
      if (ref.hint?.kind === "prefix" && !wanted.startsWith(ref.hint.value)) continue;
      const key = await RegistryKey.at(this.cells, ref.offset);
      if (upcaseName(key.name) === wanted) return key;
    }
    return null;
  }

  async subkeys(): Promise<RegistryKey[]> {
    const keys: RegistryKey[] = [];
    for (const ref of await this.subkeyRefs()) keys.push(await RegistryKey.at(this.cells, ref.offset));
    return keys;
  }

  private async valueCells(): Promise<number[]> {
    if (this.valueCount === 0 || this.valueList === NO_CELL) return [];
    const list = await this.cells.cell(this.valueList, 4 * this.valueCount);
    return Array.from({ length: this.valueCount }, (_, i) => u32le(list, 4 * i));
  }

  async values(): Promise<RegistryValue[]> {
    const values: RegistryValue[] = [];
    for (const offset of await this.valueCells()) values.push(await readValue(this.cells, offset));
    return values;
  }

  /** The value `name` ("" for the default value, case-insensitive), or null. */
  async value(name: string): Promise<RegistryValue | null> {
    const wanted = upcaseName(name);
    for (const offset of await this.valueCells()) {
      if (upcaseName((await valueName(this.cells, offset)).name) === wanted) return readValue(this.cells, offset);
    }
    return null;
  }

  /** A REG_SZ or REG_EXPAND_SZ value as text (unexpanded), or null when it is absent or another type. */
  async string(name: string): Promise<string | null> {
    const data = (await this.value(name))?.data;
    return data && (data.type === "REG_SZ" || data.type === "REG_EXPAND_SZ") ? data.value : null;
  }

  /** A REG_DWORD value, or null when it is absent or another type. */
  async dword(name: string): Promise<number | null> {
    const data = (await this.value(name))?.data;
    return data?.type === "REG_DWORD" ? data.value : null;
  }
}
