import type { FormatInfo } from "./report";
import type { ByteSource } from "./source";

/** Which of the format checks a finding belongs to. */
export type FindingArea = "safe" | "integrity";

/** One problem a format parser found; the checks gather them (checks/format-checks.ts). */
export interface Finding {
  area: FindingArea;
  status: "fail" | "warn";
  message: string;
  fix?: string;
  /** A file offset or structure name that is the evidence, e.g. "offset 65536 (L1 table)". */
  path?: string;
}

export const unsafe = (message: string, fix?: string, path?: string): Finding => ({ area: "safe", status: "fail", message, fix, path });
export const damaged = (message: string, fix?: string, path?: string): Finding => ({ area: "integrity", status: "fail", message, fix, path });
export const caution = (area: FindingArea, message: string, fix?: string, path?: string): Finding => ({
  area,
  status: "warn",
  message,
  fix,
  path,
});

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
