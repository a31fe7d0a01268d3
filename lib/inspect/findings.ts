import { codeTable, type TableOf, type Template } from "./codes";
import type { FormatInfo } from "./report";
import type { ByteSource } from "./source";

/** Which of the format checks a finding belongs to. */
export type FindingArea = "safe" | "integrity";

export const AREA_CHECKS: Record<FindingArea, string> = { safe: "format.safe", integrity: "format.integrity" };

/** One problem a format parser found; the checks gather them (checks/format-checks.ts). */
export interface Finding {
  area: FindingArea;
  status: "fail" | "warn";
  /** Stable, `<subject>.<reason>` (docs/checks.md). */
  code: string;
  message: string;
  fix?: string;
  /** A file offset or structure name that is the evidence, e.g. "offset 65536 (L1 table)". */
  path?: string;
}

/** A finding's template: its check (by area), its status, its message and, when it never varies in shape, its fix. */
export interface FindingSpec {
  area: FindingArea;
  status: "fail" | "warn";
  message: Template;
  fix?: Template;
}

export type FindingTable<T extends Record<string, FindingSpec>> = TableOf<T, Finding>;

/**
 * The findings a parser can report, `<subject>.<key>` each:
 *
 *   const QCOW2 = defineFindings("qcow2", {
 *     backing_file: { area: "safe", status: "fail", message: "The image depends on a backing file ({name}): ..." },
 *   });
 *   findings.push(QCOW2.backing_file({ name }, { fix, path: "header offset 8" }));
 */
export function defineFindings<const T extends Record<string, FindingSpec>>(subject: string, specs: T): FindingTable<T> {
  return codeTable(
    subject,
    specs,
    (spec: FindingSpec) => AREA_CHECKS[spec.area],
    (outcome, spec): Finding => ({ area: spec.area, ...outcome }),
  );
}

export interface InspectOptionsResolved {
  depth: "format" | "full";
  maxVirtualSize: number;
  /** Only for the commands in messages; the inspector never opens it. */
  fileName: string;
}

/** What a format parser learned from the headers (read with bounded, small reads). */
export interface FormatAnalysis {
  /** Fields of FormatInfo this format knows; format and fileSize are filled in by the caller. */
  info: Omit<FormatInfo, "format" | "fileSize">;
  findings: Finding[];
  /**
   * The integrity walk over the allocation tables (depth "full" only). Reads
   * metadata, never guest data; reports entries that point outside the file.
   */
  walk?: (onProgress: (fraction: number) => void) => Promise<WalkResult>;
}

export interface WalkResult {
  findings: Finding[];
  /** What was walked, for the pass message: "1,234 L2 tables (10,108,928 entries)". */
  walked: string;
}

export interface FormatParser {
  /** Reads the headers of a file already detected as this format. */
  analyse(src: ByteSource, options: InspectOptionsResolved): Promise<FormatAnalysis>;
}
