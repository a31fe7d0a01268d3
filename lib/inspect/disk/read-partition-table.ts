import { isZero } from "../binary";
import type { Finding } from "../findings";
import { GPT } from "./findings";
import type { RandomAccessReader } from "../reader";
import { gptPartitions, gptSectorSize, readGpt, type GptRead } from "./gpt";
import { hasMbrSignature, mbrEntries, readMbrPartitions, validBootIndicators } from "./mbr";
import type { PartitionTable } from "./partition-table";

const PROTECTIVE = 0xee;

export interface PartitionAnalysis {
  /** The table Linux would use, or null when Linux would see no partitions. */
  table: PartitionTable | null;
  /** What is unsafe or damaged about it (format.safe / format.integrity). */
  findings: Finding[];
}

/**
 * The partition table of a guest disk, as the Linux kernel reads it: GPT when
 * a protective MBR (an 0xEE entry starting at sector 1) guards a valid primary
 * or backup GPT, else the MBR with its logical partitions. The same code gives
 * the format report its partition table and the guest checks their partitions.
 */
export async function analysePartitions(disk: RandomAccessReader): Promise<PartitionAnalysis> {
  const findings: Finding[] = [];
  if (disk.size < 512) return { table: null, findings };
  const sector0 = await disk.read(0, 512);
  const signed = hasMbrSignature(sector0);
  const entries = signed ? mbrEntries(sector0) : [];
  const used = entries.filter((e) => e.sectors !== 0);
  const protective = used.find((e) => e.type === PROTECTIVE && e.start === 1);
  const hasBootCode = !isZero(sector0.subarray(0, 440));

  const signedSectorSize = await gptSectorSize(disk);
  const sectorSize = signedSectorSize ?? 512;
  const primary = protective || signedSectorSize !== null ? await readGpt(disk, 1, sectorSize) : null;
  let backup: GptRead | null = null;
  if (primary && !primary.ok) backup = await readGpt(disk, Math.floor(disk.size / sectorSize) - 1, sectorSize);
  const gpt = primary?.ok ? primary.gpt : backup?.ok ? backup.gpt : null;

  if (protective) {
    if (!gpt) {
      const why = primary && !primary.ok ? primary.reason : "there is no GPT header";
      findings.push(GPT.unreadable({ reason: why }));
      return { table: null, findings };
    }
    if (primary && !primary.ok) findings.push(GPT.primary_invalid({ reason: primary.reason }));
    const others = used.filter((e) => e !== protective && e.type !== PROTECTIVE);
    if (others.length > 0) findings.push(GPT.hybrid_mbr({ count: others.length > 1 ? `${others.length} partitions are` : "1 partition is" }));
    const partitions = gptPartitions(gpt, disk.size, findings);
    return { table: { scheme: "gpt", partitions, diskId: gpt.diskGuid, hasBootCode }, findings };
  }

  if (gpt) {
    findings.push(GPT.protective_mbr_missing({}, { path: "sector 0 (MBR)" }));
  }
  if (!signed || !validBootIndicators(sector0)) return { table: null, findings };
  // An MBR with an 0xEE entry anywhere is a (broken) protective MBR; Linux's MBR reader ignores it.
  if (used.some((e) => e.type === PROTECTIVE)) {
    if (!gpt) findings.push(GPT.protective_mbr_misplaced());
    return { table: null, findings };
  }
  const partitions = await readMbrPartitions(disk, sector0, findings);
  if (partitions.length === 0) return { table: null, findings };
  const signature = sector0[440] | (sector0[441] << 8) | (sector0[442] << 16) | (sector0[443] << 24);
  return { table: { scheme: "mbr", partitions, diskId: (signature >>> 0).toString(16).padStart(8, "0"), hasBootCode }, findings };
}

/** The partition table Linux would see on `disk` (a guest disk from openGuestDisk), or null. */
export async function readPartitionTable(disk: RandomAccessReader): Promise<PartitionTable | null> {
  return (await analysePartitions(disk)).table;
}
