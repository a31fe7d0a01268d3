import { isZero, u32le, u64le } from "../binary";
import { formatBytes } from "../text";
import { convertToQcow2 } from "../commands";
import { caution, damaged, unsafe, type Finding, type FormatAnalysis, type FormatParser } from "../findings";

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
    const fix = convertToQcow2("vdi", options.fileName);
    const findings: Finding[] = [];
    const differencing = type === 4 || !isZero(h.subarray(0x1a8, 0x1c8));
    if (differencing)
      findings.push(unsafe("This is a differencing VDI: it only holds changes to a parent disk.", `${fix}   # after merging it into its parent in VirtualBox`));
    if (diskSize > options.maxVirtualSize)
      findings.push(unsafe(`The virtual size (${formatBytes(diskSize)}) is above the limit of ${formatBytes(options.maxVirtualSize)}.`));
    if (u32le(h, 0x44) !== 0x00010001) findings.push(damaged(`VDI version 0x${u32le(h, 0x44).toString(16)} is not the 1.1 that qemu reads.`));
    if (offsetBmap + blocks * 4 > src.size)
      findings.push(damaged(`The block map (${blocks} entries at offset ${offsetBmap}) lies past the end of the file: it is truncated.`));
    if (blockSize !== MiB) findings.push(caution("integrity", `The block size is ${formatBytes(blockSize)}; qemu converts only VDI images with 1 MiB blocks.`));
    else if (blocks * blockSize < diskSize) findings.push(damaged("The block map is too small for the disk's size."));
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
