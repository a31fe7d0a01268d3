import { latin1, u16le, u32be, u32le, utf16le } from "../binary";
import { HiveCells, NO_CELL } from "./hive";
import { REGF } from "./regf-errors";

/** Registry value types (winnt.h). */
export const REG = {
  NONE: 0,
  SZ: 1,
  EXPAND_SZ: 2,
  BINARY: 3,
  DWORD: 4,
  DWORD_BIG_ENDIAN: 5,
  LINK: 6,
  MULTI_SZ: 7,
  QWORD: 11,
} as const;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(REG).map(([name, type]) => [type, `REG_${name}`]));

/** A value's data as its type says to read it. */
export type RegistryData =
  | { type: "REG_SZ" | "REG_EXPAND_SZ" | "REG_LINK"; value: string }
  | { type: "REG_MULTI_SZ"; value: string[] }
  | { type: "REG_DWORD" | "REG_DWORD_BIG_ENDIAN"; value: number }
  | { type: "REG_QWORD"; value: bigint }
  /** REG_BINARY, REG_NONE, and any type this reader does not decode (its number in `kind`). */
  | { type: "REG_BINARY" | "REG_NONE" | "other"; value: Uint8Array };

export interface RegistryValue {
  /** "" for the key's default value. */
  name: string;
  /** The type number as stored. */
  kind: number;
  data: RegistryData;
  raw: Uint8Array;
}

/** A value's data bigger than this is refused (Windows' own limit per value is 1 MiB in practice). */
export const MAX_VALUE_BYTES = 4 * 1024 * 1024;
/** Big-data segments carry up to 16344 bytes each. */
const SEGMENT = 16344;
const VALUE_COMP_NAME = 0x0001;
/** The data size's top bit: the data (up to 4 bytes) sits in the offset field itself. */
const DATA_INLINE = 0x80000000;

/** UTF-16LE text up to its first NUL (registry strings may lack the terminator or have an odd length). */
const text = (raw: Uint8Array) => utf16le(raw, 0, raw.length - (raw.length % 2));

function decode(kind: number, raw: Uint8Array): RegistryData {
  switch (kind) {
    case REG.SZ:
    case REG.EXPAND_SZ:
    case REG.LINK:
      return { type: TYPE_NAMES[kind] as "REG_SZ", value: text(raw) };
    case REG.MULTI_SZ: {
      const all = raw.length >= 2 ? Array.from({ length: raw.length >> 1 }, (_, i) => String.fromCharCode(u16le(raw, 2 * i))).join("") : "";
      // The list ends at the first empty string (its double NUL).
      const parts = all.split("\0");
      const end = parts.indexOf("");
      return { type: "REG_MULTI_SZ", value: end < 0 ? parts : parts.slice(0, end) };
    }
    case REG.DWORD:
      return raw.length >= 4 ? { type: "REG_DWORD", value: u32le(raw, 0) } : { type: "other", value: raw };
    case REG.DWORD_BIG_ENDIAN:
      return raw.length >= 4 ? { type: "REG_DWORD_BIG_ENDIAN", value: u32be(raw, 0) } : { type: "other", value: raw };
    case REG.QWORD:
      return raw.length >= 8 ? { type: "REG_QWORD", value: (BigInt(u32le(raw, 4)) << 32n) | BigInt(u32le(raw, 0)) } : { type: "other", value: raw };
    case REG.BINARY:
      return { type: "REG_BINARY", value: raw };
    case REG.NONE:
      return { type: "REG_NONE", value: raw };
    default:
      return { type: "other", value: raw };
  }
}

/** The name of the vk cell at `offset` (read before its data, to find a value without reading every value's data). */
export async function valueName(cells: HiveCells, offset: number): Promise<{ name: string; vk: Uint8Array }> {
  const vk = await cells.cell(offset, 0x14);
  if (HiveCells.signature(vk) !== "vk") throw REGF.value_invalid({ what: cells.what, offset, detail: "is not a vk cell" });
  const nameLength = u16le(vk, 2);
  if (0x14 + nameLength > vk.length) throw REGF.value_invalid({ what: cells.what, offset, detail: "has a name longer than its cell" });
  const bytes = vk.subarray(0x14, 0x14 + nameLength);
  return { name: u16le(vk, 0x10) & VALUE_COMP_NAME ? latin1(bytes) : utf16le(bytes, 0, nameLength - (nameLength % 2)), vk };
}

/** The value whose vk cell is at `offset`: its data inline, in one cell, or in big-data segments. */
export async function readValue(cells: HiveCells, offset: number): Promise<RegistryValue> {
  const { name, vk } = await valueName(cells, offset);
  const kind = u32le(vk, 0x0c);
  const sizeField = u32le(vk, 0x04);
  let raw: Uint8Array;
  if (sizeField & DATA_INLINE) {
    raw = vk.slice(0x08, 0x08 + Math.min(4, sizeField & ~DATA_INLINE));
  } else if (sizeField === 0) {
    raw = new Uint8Array(0);
  } else {
    if (sizeField > MAX_VALUE_BYTES) throw REGF.too_many({ what: cells.what, detail: `the value ${name} holds ${sizeField} bytes`, limit: MAX_VALUE_BYTES });
    raw = await dataOf(cells, u32le(vk, 0x08), sizeField, offset);
  }
  return { name, kind, data: decode(kind, raw), raw };
}

/** A value's `size` bytes at `dataCell`: one data cell, or (hives 1.4 and later) a db cell listing segments. */
async function dataOf(cells: HiveCells, dataCell: number, size: number, valueOffset: number): Promise<Uint8Array> {
  if (dataCell === NO_CELL) throw REGF.value_invalid({ what: cells.what, offset: valueOffset, detail: "has data but no data cell" });
  const data = await cells.cell(dataCell);
  if (size <= SEGMENT || cells.header.minor < 4 || HiveCells.signature(data) !== "db") {
    if (data.length < size)
      throw REGF.value_invalid({ what: cells.what, offset: valueOffset, detail: `claims ${size} bytes of data in a ${data.length}-byte cell` });
    return data.slice(0, size);
  }
  const count = u16le(data, 2);
  if (count !== Math.ceil(size / SEGMENT))
    throw REGF.value_invalid({ what: cells.what, offset: valueOffset, detail: `has ${count} big-data segments for ${size} bytes` });
  const list = await cells.cell(u32le(data, 4), 4 * count);
  const out = new Uint8Array(size);
  for (let i = 0; i < count; i++) {
    const segment = await cells.cell(u32le(list, 4 * i));
    const take = Math.min(SEGMENT, size - i * SEGMENT);
    if (segment.length < take) throw REGF.value_invalid({ what: cells.what, offset: valueOffset, detail: `has a big-data segment of ${segment.length} bytes` });
    out.set(segment.subarray(0, take), i * SEGMENT);
  }
  return out;
}
