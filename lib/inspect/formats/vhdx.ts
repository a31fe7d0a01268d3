import { guidLe, isZero, matches, u16le, u32le, u64le, utf16le } from "../binary";
import { formatBytes } from "../text";
import { convertToQcow2 } from "../commands";
import { InspectError } from "../errors";
import { FORMAT } from "../checks/format-codes";
import type { Finding, FormatAnalysis, FormatParser } from "../findings";
import { VHDX } from "./findings";
import type { ByteSource } from "../source";
import { crc32c } from "../util/crc32c";

/** [MS-VHDX] 2.2: headers at 64 KiB and 128 KiB, region tables at 192 KiB and 256 KiB. */
const KiB = 1024;
const HEADER_OFFSETS = [64 * KiB, 128 * KiB];
const REGION_TABLE_OFFSETS = [192 * KiB, 256 * KiB];
const REGION_TABLE_SIZE = 64 * KiB;
const MAX_ENTRIES = 2047;
/** The metadata table itself is 64 KiB; a metadata region far larger than its items is not a real one. */
const MAX_METADATA_REGION = 64 * 1024 * KiB;

export const BAT_REGION = "2dc27766-f623-4200-9d64-115e9bfd4a08";
export const METADATA_REGION = "8b7ca206-4790-4b9a-b8fe-575f050f886e";
export const FILE_PARAMETERS = "caa16737-fa36-4d43-b3b6-33f0aa44e76b";
export const VIRTUAL_DISK_SIZE = "2fa54224-cd1b-4876-b211-5dbed83bf4b8";
export const LOGICAL_SECTOR_SIZE = "8141bf1d-a96f-4709-ba47-f233a8faab5f";
const PARENT_LOCATOR = "a8d35f2d-b30b-454d-abf7-d3d84834ab0c";
const KNOWN_ITEMS = [
  FILE_PARAMETERS,
  VIRTUAL_DISK_SIZE,
  PARENT_LOCATOR,
  "beca12ab-b2e6-4523-93ef-c309e000c746", // page 83 data
  LOGICAL_SECTOR_SIZE,
  "cda348c7-445d-4471-9cc9-e9885251c556", // physical sector size
];

function checksumOk(block: Uint8Array): boolean {
  const copy = block.slice();
  copy.fill(0, 4, 8);
  return crc32c(copy) === u32le(block, 4);
}

export interface Region {
  guid: string;
  offset: number;
  length: number;
  required: boolean;
}

export async function readRegions(src: ByteSource): Promise<Region[]> {
  for (const at of REGION_TABLE_OFFSETS) {
    const table = await src.read(at, REGION_TABLE_SIZE);
    if (table.length < REGION_TABLE_SIZE || !matches(table, 0, "regi") || !checksumOk(table)) continue;
    const count = u32le(table, 8);
    if (count > MAX_ENTRIES) throw new InspectError("limit", `The VHDX region table claims ${count} entries (at most ${MAX_ENTRIES}).`);
    const regions: Region[] = [];
    for (let i = 0; i < count; i++) {
      const e = 16 + i * 32;
      regions.push({ guid: guidLe(table, e), offset: u64le(table, e + 16), length: u32le(table, e + 24), required: (u32le(table, e + 28) & 1) === 1 });
    }
    return regions;
  }
  throw new InspectError("corrupt", "Neither VHDX region table is valid (signature or checksum).");
}

/** The current header: of the two valid ones, the one with the higher sequence number ([MS-VHDX] 2.2.2). */
export async function readHeader(src: ByteSource): Promise<Uint8Array> {
  let header: Uint8Array | null = null;
  for (const at of HEADER_OFFSETS) {
    const candidate = await src.read(at, 4 * KiB);
    if (candidate.length < 4 * KiB || !matches(candidate, 0, "head") || !checksumOk(candidate)) continue;
    if (!header || u64le(candidate, 8) > u64le(header, 8)) header = candidate;
  }
  if (!header) throw new InspectError("corrupt", "Neither VHDX header is valid (signature or checksum).");
  return header;
}

/** A non-zero log GUID: the log may hold writes that were never replayed into the file. */
export const vhdxLogPending = (header: Uint8Array): boolean => !isZero(header.subarray(48, 64));

export const vhdxParser: FormatParser = {
  async analyse(src, options): Promise<FormatAnalysis> {
    const findings: Finding[] = [];
    const convert = { convert: convertToQcow2("vhdx", options.fileName) };
    const header = await readHeader(src);
    const logPending = vhdxLogPending(header);
    if (logPending) findings.push(VHDX.log_not_replayed(convert));

    const regions = await readRegions(src);
    for (const region of regions) {
      const known = region.guid === BAT_REGION || region.guid === METADATA_REGION;
      if (!known && region.required) findings.push(VHDX.unknown_required_region({ guid: region.guid }));
      if (region.offset + region.length > src.size) {
        const name = known ? (region.guid === BAT_REGION ? "block allocation table" : "metadata") : region.guid;
        findings.push(VHDX.region_outside({ region: name, size: formatBytes(region.length), offset: region.offset, fileSize: formatBytes(src.size) }));
      }
    }
    const metadata = regions.find((r) => r.guid === METADATA_REGION);
    if (!metadata) throw new InspectError("corrupt", "The VHDX has no metadata region.");
    if (metadata.offset + metadata.length > src.size) {
      findings.push(VHDX.metadata_outside());
      return { info: { virtualSize: null }, findings };
    }
    if (metadata.length > MAX_METADATA_REGION) {
      findings.push(VHDX.metadata_region_too_large({ size: formatBytes(metadata.length) }));
      return { info: { virtualSize: null }, findings };
    }
    const table = await src.exact(metadata.offset, Math.min(metadata.length, 64 * KiB), "VHDX metadata table");
    if (!matches(table, 0, "metadata")) throw new InspectError("corrupt", "The VHDX metadata table has no signature.");
    const count = u16le(table, 10);
    if (count > MAX_ENTRIES) throw new InspectError("limit", `The VHDX metadata table claims ${count} entries (at most ${MAX_ENTRIES}).`);
    const items = new Map<string, Uint8Array>();
    const duplicated = new Set<string>();
    for (let i = 0; i < count; i++) {
      const e = 32 + i * 32;
      const guid = guidLe(table, e);
      const offset = u32le(table, e + 16);
      const length = u32le(table, e + 20);
      const required = (u32le(table, e + 24) & 4) !== 0;
      if (required && !KNOWN_ITEMS.includes(guid)) findings.push(VHDX.unknown_required_metadata({ guid }));
      if (length === 0) continue;
      if (offset < 64 * KiB || offset + length > metadata.length) {
        findings.push(VHDX.metadata_item_outside({ guid }));
        continue;
      }
      if (!KNOWN_ITEMS.includes(guid)) continue;
      // qemu refuses a metadata item listed twice; reading only the first keeps a hostile table to six reads.
      if (items.has(guid)) {
        duplicated.add(guid);
        continue;
      }
      items.set(guid, await src.exact(metadata.offset + offset, Math.min(length, 64 * KiB), "VHDX metadata item"));
    }
    if (duplicated.size > 0) findings.push(VHDX.metadata_item_repeated({ guids: [...duplicated].join(", ") }));
    const size = items.get(VIRTUAL_DISK_SIZE);
    const params = items.get(FILE_PARAMETERS);
    const virtualSize = size && size.length >= 8 ? u64le(size, 0) : null;
    if (virtualSize !== null && virtualSize > options.maxVirtualSize) {
      findings.push(FORMAT.virtual_size_over_limit({ size: formatBytes(virtualSize), limit: formatBytes(options.maxVirtualSize) }));
    }
    const hasParent = params !== undefined && params.length >= 8 && (u32le(params, 4) & 2) !== 0;
    const backingFile = hasParent ? parentPath(items.get(PARENT_LOCATOR)) : undefined;
    if (hasParent) findings.push(VHDX.differencing({ name: backingFile ? `"${backingFile}"` : "unnamed", ...convert }));
    return {
      info: {
        virtualSize: virtualSize !== null && Number.isSafeInteger(virtualSize) ? virtualSize : null,
        subformat: hasParent ? "differencing" : params && (u32le(params, 4) & 1) !== 0 ? "fixed" : "dynamic",
        ...(params && params.length >= 4 ? { clusterSize: u32le(params, 0) } : {}),
        ...(hasParent ? { backingFile: backingFile ?? "" } : {}),
        dirty: logPending,
      },
      findings,
    };
  },
};

/** The parent path from a parent locator's key/value table (UTF-16LE strings). */
function parentPath(locator: Uint8Array | undefined): string | undefined {
  if (!locator || locator.length < 20) return undefined;
  const count = Math.min(u16le(locator, 18), 64);
  const values = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const e = 20 + i * 12;
    if (e + 12 > locator.length) break;
    const key = utf16le(locator, u32le(locator, e), u16le(locator, e + 8));
    values.set(key, utf16le(locator, u32le(locator, e + 4), u16le(locator, e + 10)));
  }
  return values.get("relative_path") ?? values.get("absolute_win32_path") ?? values.get("volume_path");
}
