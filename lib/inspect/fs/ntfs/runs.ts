import type { Run } from "./attributes";
import { NTFS } from "./ntfs-errors";

/**
 * Decodes a mapping-pairs array (the runlist of a non-resident attribute extent): each pair is a
 * header byte (low nibble: bytes of the length, high nibble: bytes of the signed LCN delta, 0
 * for a hole) and the two fields. The runs must cover exactly startVcn..lastVcn and stay on the
 * volume; anything else is corruption, so no later read can leave the volume or loop.
 */
export function decodeRuns(bytes: Uint8Array, startVcn: number, lastVcn: number, totalClusters: number, what: string): Run[] {
  const runs: Run[] = [];
  let at = 0;
  let vcn = startVcn;
  let lcn = 0;
  while (at < bytes.length && bytes[at] !== 0) {
    const header = bytes[at++];
    const lengthBytes = header & 0x0f;
    const offsetBytes = header >> 4;
    if (lengthBytes === 0 || lengthBytes > 8 || offsetBytes > 8 || at + lengthBytes + offsetBytes > bytes.length) {
      throw NTFS.runlist_invalid({ what, detail: `a malformed pair at byte ${at - 1}` });
    }
    let length = 0;
    for (let i = lengthBytes - 1; i >= 0; i--) length = length * 256 + bytes[at + i];
    at += lengthBytes;
    if (length === 0 || length > totalClusters) throw NTFS.runlist_invalid({ what, detail: `a run of ${length} clusters` });
    let target: number | null = null;
    if (offsetBytes > 0) {
      let delta = 0;
      for (let i = offsetBytes - 1; i >= 0; i--) delta = delta * 256 + bytes[at + i];
      if (bytes[at + offsetBytes - 1] & 0x80) delta -= 2 ** (8 * offsetBytes);
      at += offsetBytes;
      lcn += delta;
      if (lcn < 0 || lcn + length > totalClusters) throw NTFS.runlist_invalid({ what, detail: `clusters ${lcn}..${lcn + length - 1} lie outside the volume` });
      target = lcn;
    }
    runs.push({ vcn, lcn: target, length });
    vcn += length;
    if (vcn > lastVcn + 1) throw NTFS.runlist_invalid({ what, detail: `the runs go past the last cluster ${lastVcn}` });
  }
  if (vcn !== lastVcn + 1) throw NTFS.runlist_invalid({ what, detail: `the runs end at cluster ${vcn}, not after ${lastVcn}` });
  return runs;
}

/** The index of the run holding `vcn` in runs sorted by vcn and without gaps, or -1. */
export function findRun(runs: Run[], vcn: number): number {
  let low = 0;
  let high = runs.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const run = runs[mid];
    if (vcn < run.vcn) high = mid - 1;
    else if (vcn >= run.vcn + run.length) low = mid + 1;
    else return mid;
  }
  return -1;
}
