import { latin1, matches, u16be, u32be, u64be } from "../binary";
import { formatBytes } from "../text";
import { convertToQcow2 } from "../commands";
import { FORMAT } from "../checks/format-codes";
import type { Finding, FormatAnalysis, FormatParser } from "../findings";
import { VHD } from "./findings";
import type { ByteSource } from "../source";
import { vhdFooterChecksumOk } from "./detect";

/** Microsoft "Virtual Hard Disk Image Format Specification": a 512-byte big-endian footer. */
const DISK_TYPES: Record<number, string> = { 2: "fixed", 3: "dynamic", 4: "differencing" };
/** qemu's VHD_MAX_GEOMETRY: the largest CHS size, above which it trusts current_size. */
const MAX_GEOMETRY = 65535 * 16 * 255;
/** Creator apps whose images qemu sizes from current_size rather than CHS geometry (block/vpc.c). */
const SIZE_FROM_FOOTER = ["win ", "qem2", "d2v ", "CTXS", "tap\0"];

/** The size qemu gives the disk: CHS geometry for Virtual PC and old qemu images, current_size otherwise. */
export function vhdVirtualSize(footer: Uint8Array): number {
  const chsSectors = u16be(footer, 56) * footer[58] * footer[59];
  const creator = latin1(footer.subarray(28, 32));
  const useChs = !SIZE_FROM_FOOTER.includes(creator);
  return !useChs || chsSectors === MAX_GEOMETRY ? Math.floor(u64be(footer, 48) / 512) * 512 : chsSectors * 512;
}

export const vhdParser: FormatParser = {
  async analyse(src: ByteSource, options): Promise<FormatAnalysis> {
    let footer = await src.exact(0, 512, "VHD footer");
    if (!matches(footer, 0, "conectix")) footer = await src.exact(src.size - 512, 512, "VHD footer");
    const type = u32be(footer, 60);
    const findings: Finding[] = [];
    const convert = { convert: convertToQcow2("vpc", options.fileName) };
    if (!vhdFooterChecksumOk(footer)) findings.push(VHD.footer_checksum(convert));
    const virtualSize = vhdVirtualSize(footer);
    if (virtualSize > options.maxVirtualSize)
      findings.push(FORMAT.virtual_size_over_limit({ size: formatBytes(virtualSize), limit: formatBytes(options.maxVirtualSize) }));
    let backingFile: string | undefined;
    let clusterSize: number | undefined;
    if (type === 3 || type === 4) {
      const headerOffset = u64be(footer, 16);
      const dyn = await src.read(headerOffset, 1024);
      if (dyn.length < 1024 || !matches(dyn, 0, "cxsparse")) {
        findings.push(VHD.dynamic_header_missing({ offset: headerOffset, ...convert }));
      } else {
        const tableOffset = u64be(dyn, 16);
        const entries = u32be(dyn, 28);
        clusterSize = u32be(dyn, 32);
        if (tableOffset + entries * 4 > src.size) findings.push(VHD.block_table_past_end({ entries, offset: tableOffset }));
        if (clusterSize < 512 || (clusterSize & (clusterSize - 1)) !== 0) findings.push(VHD.block_size_invalid({ size: clusterSize }));
        else if (entries * clusterSize < virtualSize) findings.push(VHD.block_table_too_small());
        if (type === 4) {
          let name = "";
          for (let i = 64; i + 1 < 64 + 512; i += 2) {
            const code = u16be(dyn, i);
            if (code === 0) break;
            name += String.fromCharCode(code);
          }
          backingFile = name;
        }
      }
    }
    if (type === 4) findings.push(VHD.differencing({ name: backingFile ? `"${backingFile}"` : "unnamed", ...convert }));
    return {
      info: {
        virtualSize,
        subformat: DISK_TYPES[type] ?? `unknown disk type ${type}`,
        ...(clusterSize ? { clusterSize } : {}),
        ...(backingFile !== undefined ? { backingFile } : {}),
      },
      findings,
    };
  },
};
