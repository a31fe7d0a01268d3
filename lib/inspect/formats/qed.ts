import { latin1, u32le, u64le } from "../binary";
import { formatBytes } from "../text";
import { convertToQcow2 } from "../commands";
import { FORMAT } from "../checks/format-codes";
import type { Finding, FormatAnalysis, FormatParser } from "../findings";
import { QED } from "./findings";

/** QEMU Enhanced Disk (docs/interop/qed_spec.txt), little-endian. */
const FEATURE_BACKING = 1;
const FEATURE_NEED_CHECK = 2;
const KNOWN_FEATURES = 1 | 2 | 4;

export const qedParser: FormatParser = {
  async analyse(src, options): Promise<FormatAnalysis> {
    const h = await src.exact(0, 64, "QED header");
    const clusterSize = u32le(h, 4);
    const tableSize = u32le(h, 8);
    const featuresLo = u32le(h, 16);
    const featuresHi = u32le(h, 20);
    const l1Offset = u64le(h, 40);
    const size = u64le(h, 48);
    const convert = { convert: convertToQcow2("qed", options.fileName) };
    const findings: Finding[] = [];
    let backingFile: string | undefined;
    if (featuresLo & FEATURE_BACKING) {
      backingFile = latin1(await src.read(u32le(h, 56), Math.min(u32le(h, 60), 1023))).replace(/[^\x20-\x7e]/g, "?");
      findings.push(QED.backing_file({ name: backingFile, ...convert }));
    }
    if ((featuresLo & ~KNOWN_FEATURES) !== 0 || featuresHi !== 0) findings.push(QED.unknown_features());
    if (featuresLo & FEATURE_NEED_CHECK) findings.push(QED.need_check());
    if (size > options.maxVirtualSize) findings.push(FORMAT.virtual_size_over_limit({ size: formatBytes(size), limit: formatBytes(options.maxVirtualSize) }));
    const validCluster = clusterSize >= 4096 && clusterSize <= 64 * 1024 * 1024 && (clusterSize & (clusterSize - 1)) === 0;
    const validTable = tableSize >= 1 && tableSize <= 16 && (tableSize & (tableSize - 1)) === 0;
    if (!validCluster || !validTable) findings.push(QED.geometry_invalid({ clusterSize, tableSize }));
    else if (l1Offset + tableSize * clusterSize > src.size) findings.push(QED.l1_table_past_end());
    return {
      info: {
        virtualSize: Number.isSafeInteger(size) ? size : null,
        clusterSize,
        ...(backingFile !== undefined ? { backingFile } : {}),
        dirty: (featuresLo & FEATURE_NEED_CHECK) !== 0,
      },
      findings,
    };
  },
};
