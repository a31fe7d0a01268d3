import { count, type Env, positive, readEnv } from "../env";
import type { InspectionReport } from "../inspect/report";
import type { StoredSource } from "../storage/store";
import { parseDuration, parseSize } from "../units";
import { type PoolLimits, type WorkerPool, workerPool } from "../workers/pool";

export interface InspectionJob {
  /** Where the bytes lie: the worker opens its own reader there (a file, or the S3 object with its block cache). */
  source: StoredSource;
  /** The name the image arrived under, for the fix commands. */
  fileName: string;
}

/** A job's answer: the report, and the bytes the inspection brought from the store to make it. */
export interface InspectedSource {
  report: InspectionReport;
  fetched: number;
}

const atLeastOne = positive(count);
const duration = positive(parseDuration);
const mebibytes = (text: string) => {
  const bytes = positive(parseSize)(text);
  return bytes === undefined || bytes < 64 * 2 ** 20 ? undefined : Math.floor(bytes / 2 ** 20);
};

/**
 * The inspection pool's limits (README, "Configuration"): HANGAR_VALIDATION_CONCURRENCY images at once (2),
 * each for at most HANGAR_VALIDATION_TIME_LIMIT (10m) and HANGAR_VALIDATION_MEMORY_LIMIT of heap (1GiB, at least 64MiB).
 * A genuine image takes seconds (docs/benchmarks.md): the limits stop an image built to keep the inspector busy or to make it hoard memory.
 */
export function inspectionLimits(env: Env = process.env): PoolLimits {
  return {
    size: readEnv(env, "HANGAR_VALIDATION_CONCURRENCY", atLeastOne, 2, "a whole number such as 2"),
    timeLimitMs: readEnv(env, "HANGAR_VALIDATION_TIME_LIMIT", duration, 600_000, "a duration such as 10m"),
    memoryLimitMb: readEnv(env, "HANGAR_VALIDATION_MEMORY_LIMIT", mebibytes, 1024, "a size of at least 64MiB such as 1GiB"),
    // Inspection is background work: on a busy machine uploads and pages get the CPU first (docs/benchmarks.md).
    nice: 19,
  };
}

let pool: WorkerPool<InspectionJob, InspectedSource> | null = null;

/** The process's inspection pool, started at first use with the environment's limits. */
export function inspectionPool(): WorkerPool<InspectionJob, InspectedSource> {
  pool ??= workerPool(new URL("./inspection-worker.ts", import.meta.url), inspectionLimits());
  return pool;
}
