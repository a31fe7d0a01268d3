import { integrityCheck, safeCheck, supportedCheck } from "./checks/format-checks";
import { analysePartitions } from "./disk/read-partition-table";
import { nestedImageFindings } from "./disk/nested-images";
import { openGuestDisk } from "./disk/open-guest-disk";
import { isInspectError } from "./errors";
import type { Outcome } from "./codes";
import { FORMAT, INTEGRITY, RAW } from "./checks/format-codes";
import type { InspectError } from "./errors";
import type { Finding, FormatAnalysis, InspectOptionsResolved, WalkResult } from "./findings";
import { detectFormats, type Detection } from "./formats/detect";
import { FORMATS } from "./formats/registry";
import type { RandomAccessReader } from "./reader";
import type { Check, FormatInfo } from "./report";
import { ByteSource } from "./source";
import { formatBytes } from "./text";

export interface FormatInspection {
  info: FormatInfo;
  checks: Check[];
}

/** The format qemu would open the file as (its probes come first), else the first signature found. */
function primaryOf(matches: Detection[]): Detection | null {
  return matches.find((d) => d.qemuProbes) ?? matches.at(0) ?? null;
}

/** A file that is two formats at once is how hostile images slip past one tool and into another. */
function ambiguityFindings(matches: Detection[]): Finding[] {
  const formats = [...new Set(matches.map((d) => d.format))];
  // An ISO 9660 / UDF bridge disc carries both on purpose.
  const distinct = formats.includes("iso9660") ? formats.filter((f) => f !== "udf") : formats;
  if (distinct.length < 2) return [];
  const names = distinct.map((f) => FORMATS[f].label);
  return [FORMAT.polyglot({ formats: `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` }, { path: "format signatures" })];
}

/** Raw has no header: its disk is the file. */
const withInfo = (base: FormatInfo, analysis: FormatAnalysis | null): FormatInfo => (analysis && base.format !== "raw" ? { ...base, ...analysis.info } : base);

/**
 * The format part of the inspection: detect, read the headers, judge safety,
 * and at depth "full" walk the allocation tables. Hostile input ends as
 * failed checks; only the reader's own I/O errors propagate.
 */
export async function inspectFormat(
  reader: RandomAccessReader,
  options: InspectOptionsResolved,
  onProgress: (fraction: number) => void,
): Promise<FormatInspection> {
  const src = new ByteSource(reader);
  const detection = await detectFormats(src);
  const format = primaryOf(detection.matches)?.format ?? "raw";
  const findings: Finding[] = [...ambiguityFindings(detection.matches)];

  let analysis: FormatAnalysis | null = null;
  let aborted: Finding | null = null;
  try {
    analysis = await FORMATS[format].parser.analyse(src, options);
    findings.push(...analysis.findings);
  } catch (error) {
    if (!isInspectError(error)) throw error;
    const finding = headerFinding(error);
    if (finding.area === "safe") findings.push(finding);
    else aborted = finding;
  }
  // qemu rounds a raw disk up to whole sectors; the guest reads the missing bytes as zeros.
  const rawSize = Math.ceil(reader.size / 512) * 512;
  const info = withInfo({ format, virtualSize: format === "raw" ? rawSize : null, fileSize: reader.size }, analysis);
  if (detection.matches.some((d) => d.format === "udf") && format === "iso9660") info.subformat = `${info.subformat ?? "data"}, ISO 9660/UDF bridge`;
  if (format === "raw") findings.push(...rawFindings(reader.size, options));

  const failing = () => findings.some((f) => f.status === "fail") || aborted !== null;

  // The walk comes first: when a table is broken, it names the entry, where reading the guest would only fail.
  let walk: WalkResult | null = null;
  let walkSkipped: Outcome | null = null;
  if (analysis?.walk) {
    if (options.depth === "format") walkSkipped = INTEGRITY.walk_deferred();
    else if (failing()) walkSkipped = INTEGRITY.walk_skipped_rejected();
    else {
      try {
        walk = await analysis.walk(onProgress);
      } catch (error) {
        if (!isInspectError(error)) throw error;
        findings.push(FORMAT.walk_failed({ reason: error.message }));
      }
    }
  }
  const walkFailed = walk?.findings.some((f) => f.status === "fail") ?? false;

  // Through QCOW2 or VMDK tables the partition table may sit in a compressed 2 MiB cluster: the server's job, not the quick verdict's.
  const throughTables = format === "qcow2" || format === "vmdk";
  const guestVisible = format === "raw" || format === "iso9660" || format === "udf" || (throughTables && options.depth === "full" && !failing() && !walkFailed);
  if (guestVisible && reader.size > 0) {
    // Named for the finding, so that a read that fails says which step it broke.
    let step = throughTables ? FORMAT.guest_disk_unreadable : FORMAT.partition_table_unreadable;
    try {
      const optical = format === "iso9660" || format === "udf";
      const disk = optical ? reader : openGuestDisk(reader, info);
      const partitions = await analysePartitions(disk);
      info.partitionTable = partitions.table?.scheme ?? null;
      findings.push(...partitions.findings);
      step = FORMAT.nested_scan_failed;
      if (!optical) findings.push(...(await nestedImageFindings(disk, format, partitions.table?.partitions ?? [])));
    } catch (error) {
      if (!isInspectError(error)) throw error;
      findings.push(step({ reason: error.message }));
    }
  }

  const checks = [supportedCheck(info, options), safeCheck({ info, findings, aborted }), integrityCheck({ info, findings, aborted, walk, walkSkipped })];
  return { info, checks };
}

/** A header that cannot be read: beyond a bound or unknown is unsafe, truncated or corrupt is damaged. */
function headerFinding(error: InspectError): Finding {
  const reason = { reason: error.message };
  if (error.code === "limit") return FORMAT.headers_over_limit(reason);
  if (error.code === "unsupported") return FORMAT.headers_unsupported(reason);
  return error.code === "truncated" ? FORMAT.headers_truncated(reason) : FORMAT.headers_corrupt(reason);
}

function rawFindings(size: number, options: InspectOptionsResolved): Finding[] {
  const findings: Finding[] = [];
  if (size > options.maxVirtualSize) findings.push(FORMAT.virtual_size_over_limit({ size: formatBytes(size), limit: formatBytes(options.maxVirtualSize) }));
  if (size > 0 && size < 512) findings.push(RAW.smaller_than_sector({ size }));
  else if (size % 512 !== 0) findings.push(RAW.partial_sector({ size }));
  return findings;
}
