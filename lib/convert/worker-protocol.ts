import type { FormatInfo } from "../inspect/report";
import type { ExportCompression, ExportTarget } from "./targets";

/** What a disk worker does with the image it reads through its host (lib/convert/disk-worker.ts). */
export type DiskTask =
  | { kind: "digest"; info: FormatInfo }
  /** `digest` (default true): also compute the source's disk digest from the same reads, which a conversion verifies its output against. */
  | { kind: "convert"; info: FormatInfo; out: string; target: ExportTarget; digest?: boolean; compression?: ExportCompression };

export interface DiskTaskResult {
  /** The disk digest of the image read; "" for a conversion asked not to compute it. */
  digest: string;
  /** For a conversion: bytes of the file written. */
  size?: number;
}

/** Messages from the worker to its host. */
export type WorkerMessage =
  | { type: "read"; id: number; offset: number; length: number }
  | { type: "fill"; id: number; offset: number; buffer: SharedArrayBuffer; byteOffset: number; length: number }
  | { type: "progress"; fraction: number }
  | { type: "done"; result: DiskTaskResult }
  | { type: "failed"; message: string; inspectCode?: string };

/** Messages from the host to the worker. */
export type HostMessage =
  | { type: "run"; task: DiskTask; size: number }
  | { type: "read"; id: number; bytes: Uint8Array }
  | { type: "fill"; id: number; bytesRead: number }
  | { type: "readFailed"; id: number; message: string };
