import { latin1, u32be, u32le, u64be, u64le, u8 } from "../binary";
import type { FormatAnalysis, FormatParser } from "../findings";
import { QCOW } from "./findings";

/** Old formats qemu still reads. They are rejected anyway; we read their size and what they refer to. */

export const qcowParser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const h = await src.exact(0, 48, "QCOW header");
    const backingOffset = u64be(h, 8);
    const backingFile = backingOffset !== 0 ? latin1(await src.read(backingOffset, Math.min(u32be(h, 16), 1023))).replace(/[^\x20-\x7e]/g, "?") : undefined;
    const findings = backingFile !== undefined ? [QCOW.backing_file({ name: backingFile })] : [];
    const size = u64be(h, 24);
    return {
      info: {
        virtualSize: Number.isSafeInteger(size) ? size : null,
        clusterSize: 2 ** u8(h, 32),
        encrypted: u32be(h, 36) !== 0,
        ...(backingFile !== undefined ? { backingFile } : {}),
      },
      findings,
    };
  },
};

export const parallelsParser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const h = await src.exact(0, 64, "Parallels header");
    return { info: { virtualSize: u64le(h, 36) * 512, clusterSize: u32le(h, 28) * 512 }, findings: [] };
  },
};

export const bochsParser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const h = await src.exact(0, 512, "Bochs header");
    const disk = u32le(h, 64) === 0x00010000 ? u64le(h, 84) : u64le(h, 88);
    return { info: { virtualSize: Math.floor(disk / 512) * 512 }, findings: [] };
  },
};

export const cloopParser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const h = await src.exact(128, 8, "cloop header");
    return { info: { virtualSize: u32be(h, 0) * u32be(h, 4), clusterSize: u32be(h, 0) }, findings: [] };
  },
};

export const dmgParser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const koly = await src.exact(src.size - 512, 512, "DMG trailer");
    return { info: { virtualSize: u64be(koly, 0x1ec) * 512 }, findings: [] };
  },
};

export const noParser: FormatParser = {
  analyse: () => Promise.resolve({ info: { virtualSize: null }, findings: [] }),
};
