import { u16le, u32le } from "../binary";
import type { Finding, FormatAnalysis, FormatParser } from "../findings";
import { ISO } from "./findings";

/** ISO 9660 volume descriptors: type byte, "CD001", version; the primary one (type 1) holds the volume size. */
const FIRST_DESCRIPTOR = 32768;
const MAX_DESCRIPTORS = 16;

export const iso9660Parser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const findings: Finding[] = [];
    let bootable = false;
    for (let i = 0; i < MAX_DESCRIPTORS; i++) {
      const d = await src.read(FIRST_DESCRIPTOR + i * 2048, 2048);
      if (d.length < 2048 || String.fromCharCode(...d.subarray(1, 6)) !== "CD001" || d[0] === 255) break;
      if (d[0] === 0) bootable = true;
      if (d[0] === 1) {
        const volumeBytes = u32le(d, 80) * u16le(d, 128);
        if (volumeBytes > src.size) findings.push(ISO.truncated({ volume: volumeBytes, size: src.size }));
      }
    }
    // A guest sees the whole file as the CD, so the file's size is the disk's.
    return { info: { virtualSize: src.size, subformat: bootable ? "bootable (El Torito)" : "data" }, findings };
  },
};

export const udfParser: FormatParser = {
  analyse: (src) => Promise.resolve({ info: { virtualSize: src.size }, findings: [] }),
};
