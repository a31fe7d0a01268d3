import { isZero, u32le, u64le } from "../binary";
import { formatBytes } from "../text";
import { convertToQcow2 } from "../commands";
import { FORMAT } from "../checks/format-codes";
import type { Finding, FormatAnalysis, FormatParser } from "../findings";
import { VDI } from "./findings";

/** VirtualBox VDI 1.1 header (qemu block/vdi.c), little-endian. */
const IMAGE_TYPES: Record<number, string> = { 1: "dynamic", 2: "static", 3: "undo", 4: "differencing" };
const MiB = 1024 * 1024;

export const vdiParser: FormatParser = {
  async analyse(src, options): Promise<FormatAnalysis> {
    const h = await src.exact(0, 512, "VDI header");
    const type = u32le(h, 0x4c);
    const offsetBmap = u32le(h, 0x154);
    const diskSize = u64le(h, 0x170);
    const blockSize = u32le(h, 0x178);
    const blocks = u32le(h, 0x180);
    const convert = { convert: convertToQcow2("vdi", options.fileName) };
    const findings: Finding[] = [];
    const differencing = type === 4 || !isZero(h.subarray(0x1a8, 0x1c8));
    if (differencing) findings.push(VDI.differencing(convert));
    if (diskSize > options.maxVirtualSize)
      findings.push(FORMAT.virtual_size_over_limit({ size: formatBytes(diskSize), limit: formatBytes(options.maxVirtualSize) }));
    if (u32le(h, 0x44) !== 0x00010001) findings.push(VDI.version_unsupported({ version: `0x${u32le(h, 0x44).toString(16)}` }));
    if (offsetBmap + blocks * 4 > src.size) findings.push(VDI.block_map_past_end({ entries: blocks, offset: offsetBmap }));
    if (blockSize !== MiB) findings.push(VDI.block_size_unsupported({ size: formatBytes(blockSize) }));
    else if (blocks * blockSize < diskSize) findings.push(VDI.block_map_too_small());
    return {
      info: {
        virtualSize: Number.isSafeInteger(diskSize) ? diskSize : null,
        clusterSize: blockSize,
        subformat: IMAGE_TYPES[type] ?? `unknown image type ${type}`,
      },
      findings,
    };
  },
};
