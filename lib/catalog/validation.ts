import { defineOutcomes } from "../inspect/codes";
import type { Check, FormatInfo, StoredReport } from "../inspect/report";
import type { CatalogDeps } from "./deps";
import { JobStopped } from "../workers/pool";
import { inspectionLimits, inspectionPool } from "./inspection-pool";
import { transition, writeWhile } from "./lifecycle";
import { columnsFromReport } from "./prefill";
import { declaredFormatCheck } from "./declared-format";
import { CONVERSION, conversionTarget, convertStoredImage, putConversionInPlace } from "./conversion";
import { containerLabel, convertsOnServer } from "../inspect/convertible";
import { digestStoredImage, hasFormatInfo, recordDigest } from "./disk-digest";
import { inspectImage } from "../inspect";
import { isConvertibleFormat } from "../inspect/disk/open-guest-disk";
import { hashStream } from "../storage/hash-file";
import { validationBytesRead, validationDuration, validations } from "../metrics/metrics";
import { readStored } from "./read-stored";

export type { StoredReport } from "../inspect/report";

const PROGRESS_WRITE_MS = 500;

/** The checks the catalog adds to the inspector's: the checksum an upload declared, and an inspection that could not run. */
export const CHECKSUM = defineOutcomes("upload.checksum", {
  checksum_match: { status: "pass", message: "The SHA-256 declared with the upload matches the bytes received ({declared})." },
  checksum_mismatch: {
    status: "fail",
    message: "The bytes received have SHA-256 {received}, but the upload declared {declared}: the file changed or was damaged on the way. Upload it again.",
    fix: "sha256sum <file>   # compare with the checksum you send",
  },
});

export const VALIDATION = defineOutcomes("validation.error", {
  unreadable: { status: "fail", message: "Hangar could not read this image: {reason}." },
  time_limit: {
    status: "fail",
    message: [
      "Refused: the inspection exceeded its time limit ({limit}) and was stopped.",
      "An image that keeps the inspector busy this long is treated as hostile; if this one is genuine, an administrator can raise HANGAR_VALIDATION_TIME_LIMIT.",
    ],
  },
  memory_limit: {
    status: "fail",
    message: [
      "Refused: the inspection exceeded its memory limit ({limit}) and was stopped.",
      "An image that makes the inspector hold this much is treated as hostile; if this one is genuine, an administrator can raise HANGAR_VALIDATION_MEMORY_LIMIT.",
    ],
  },
});

/** The check for an inspection that could not finish: stopped at a limit of the pool, or failed to read the file. */
function validationError(error: unknown): Check {
  const id = "validation.error";
  if (error instanceof JobStopped && error.reason === "time") return { id, ...VALIDATION.time_limit({ limit: error.limit }) };
  if (error instanceof JobStopped && error.reason === "memory") return { id, ...VALIDATION.memory_limit({ limit: error.limit }) };
  return { id, ...VALIDATION.unreadable({ reason: reasonOf(error) }) };
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The stored bytes inspected in a worker of the inspection pool, where they lie, or a report of why they could not be. */
async function inspectStored(deps: CatalogDeps, storageKey: string | null, fileName: string, onProgress: (percent: number) => void): Promise<StoredReport> {
  try {
    if (!storageKey) throw new Error("its bytes are not in storage");
    // In a worker thread of the inspection pool: ~1 s of CPU per image stays off the thread that streams uploads and renders pages.
    // The worker reads the bytes where they lie, through a reader of its own.
    const { report, fetched } = await inspectionPool().run({ source: deps.store.source(storageKey), fileName }, onProgress);
    validationBytesRead.inc({ step: "inspection" }, fetched);
    return report;
  } catch (error) {
    console.error(`inspecting ${storageKey ?? "(no bytes)"} failed: ${reasonOf(error)}`);
    return { verdict: "rejected", checks: [validationError(error)] };
  }
}

/** What an image was converted from. */
interface Original {
  format: string;
  subformat: string | null;
  digest: string;
}

const convertedCheck = (original: Original, target: string | undefined): Check => ({
  id: "upload.conversion",
  ...CONVERSION.converted({
    original: containerLabel(original.format, original.subformat),
    target: target === "raw" ? "raw" : (target ?? "?").toUpperCase(),
    digest: original.digest,
  }),
});

/**
 * Converts an image the inspector judged safe to convert (lib/catalog/conversion.ts), puts the result in its
 * place and inspects it. A conversion that fails rejects the image with why; null when the image was deleted meanwhile.
 */
async function convertThenInspect(
  deps: CatalogDeps,
  image: { id: string; storageKey: string; fileSize: bigint; sha256: string | null },
  source: StoredReport & FormatInfo,
  fileName: string,
  onProgress: (percent: number) => void,
): Promise<{ report: StoredReport; original: Original | null } | null> {
  try {
    const converted = await convertStoredImage(deps, image, source, conversionTarget(), (f) => onProgress(2 + f * 78));
    if (!(await putConversionInPlace(deps, image, source, converted))) return null;
    const report = await inspectStored(deps, converted.storageKey, fileName, (p) => onProgress(80 + p * 0.2));
    return { report, original: { format: source.format, subformat: source.subformat ?? null, digest: converted.digest } };
  } catch (error) {
    console.error(`converting image ${image.id} failed: ${reasonOf(error)}`);
    const failed = {
      id: "upload.conversion",
      ...CONVERSION.conversion_failed({ original: containerLabel(source.format, source.subformat), reason: reasonOf(error) }),
    };
    return { report: { ...source, verdict: "rejected", checks: [failed, ...source.checks] }, original: null };
  }
}

/** Whether the stored file is in a format the server converts, by its headers alone (for the progress's phases). */
async function convertibleFile(deps: CatalogDeps, storageKey: string | null): Promise<boolean> {
  if (!storageKey) return false;
  try {
    return await readStored(deps, storageKey, "format", async (reader) => isConvertibleFormat((await inspectImage(reader, { depth: "format" })).format));
  } catch {
    return false;
  }
}

/** The SHA-256 of the bytes received: the upload's running hash catching up, else (after a restart, or on another node) the stored bytes read once. */
async function receivedSha256(deps: CatalogDeps, storageKey: string | null, running: Promise<string> | undefined): Promise<string | null> {
  if (!storageKey) return null;
  const fromStore = () => hashStream(deps.store.openRead(storageKey));
  return (running ?? Promise.reject(new Error("no running hash"))).catch(fromStore).catch(() => null);
}

function checksumCheck(declared: string, received: string | null): Check {
  const id = "upload.checksum";
  if (declared === received) return { id, ...CHECKSUM.checksum_match({ declared }) };
  return { id, ...CHECKSUM.checksum_mismatch({ declared, received: received ?? "(unknown)" }) };
}

/**
 * The one validation step every new image goes through, uploaded or registered
 * by an admin: inspects the stored file with lib/inspect (full depth), checks
 * the checksum the uploader declared, stores the report, fills in what the
 * guest tells about itself, and accepts or rejects the image (lib/catalog/lifecycle.ts).
 * Only an image still "validating" moves, so a deletion meanwhile wins.
 */
export async function validateImage(
  deps: CatalogDeps,
  imageId: string,
  onProgress: (percent: number) => void = () => undefined,
  running?: Promise<string>,
): Promise<void> {
  const started = performance.now();
  const row = await deps.db.image.findUnique({ where: { id: imageId }, include: { disk: true } });
  if (!row || row.status !== "validating") return;
  const fileName = row.sourceFileName ?? `${row.name}.img`;
  const sha256 = row.sha256 ?? (await receivedSha256(deps, row.storageKey, running));
  // The upload's own bytes: after a conversion (a restart may come between), the original's.
  const received = row.disk?.originalSha256 ?? sha256;
  const checksum = row.declaredSha256 ? checksumCheck(row.declaredSha256, received) : null;
  // A format the server converts: inspection of the original, conversion and verification, inspection of the result.
  const converting = checksum?.status !== "fail" && (await convertibleFile(deps, row.storageKey));
  let report = await inspectStored(deps, row.storageKey, fileName, (p) => onProgress(p * (converting ? 0.02 : 0.2)));
  let original: Original | null = row.disk?.originalFormat
    ? { format: row.disk.originalFormat, subformat: row.disk.originalSubformat, digest: row.disk.digest ?? "" }
    : null;
  if (checksum?.status !== "fail" && row.storageKey && hasFormatInfo(report) && convertsOnServer(report)) {
    const outcome = await convertThenInspect(deps, { ...row, sha256, storageKey: row.storageKey }, report, fileName, onProgress);
    if (!outcome) return;
    ({ report, original } = outcome);
  }
  if (original) report = { ...report, checks: [convertedCheck(original, report.format), ...report.checks] };
  else if (report.verdict === "accepted" && row.storageKey && hasFormatInfo(report)) {
    // An image stored as uploaded gets its virtual-disk digest here; a converted one got it from the conversion.
    try {
      await recordDigest(deps, imageId, await digestStoredImage(deps, row.storageKey, report, (f) => onProgress(20 + f * 79)));
    } catch (error) {
      report = { ...report, verdict: "rejected", checks: [validationError(error), ...report.checks] };
    }
  }
  // Until validation writes what the bytes are, diskFormat holds what the client declared (Glance's disk_format), if anything.
  const declared = report.format ? declaredFormatCheck(row.diskFormat, { stored: report.format, original: original?.format ?? null }) : null;
  if (declared) report = { ...report, checks: [declared, ...report.checks], verdict: declared.status === "fail" ? "rejected" : report.verdict };
  if (checksum) report = { ...report, checks: [checksum, ...report.checks], verdict: checksum.status === "fail" ? "rejected" : report.verdict };
  if (!sha256 && report.verdict === "accepted")
    report = { verdict: "rejected", checks: [validationError(new Error("its bytes could not be read to the end"))] };
  const moved = await transition(
    deps.db,
    imageId,
    report.verdict === "accepted" ? "accept" : "reject",
    {
      ...columnsFromReport(report, row),
      // A conversion in this run recorded its own file's checksum.
      ...(original && !row.disk?.originalFormat ? {} : { sha256 }),
      report: JSON.stringify(report),
      validationProgress: 100,
    },
    { audit: { actor: "system", action: "image.validate", projectId: row.projectId, before: { status: row.status } } },
  );
  // A deletion (or another node's validation) that came first keeps its outcome: nothing was decided here.
  if (!moved) return;
  validations.inc({ verdict: report.verdict });
  validationDuration.observe({ verdict: report.verdict }, (performance.now() - started) / 1000);
}

interface Job {
  deps: CatalogDeps;
  imageId: string;
  checksum?: Promise<string>;
}

interface Queue {
  waiting: Job[];
  active: Set<string>;
  idle: (() => void)[];
  /** Set by a shutdown: nothing more starts. */
  stopped: boolean;
}

const queue: Queue = { waiting: [], active: new Set(), idle: [], stopped: false };

/** Writes the validation percentage to the image as it moves, at most twice a second. */
function progressWriter(deps: CatalogDeps, imageId: string): (percent: number) => void {
  let shown = 0;
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  return (percent) => {
    const value = Math.max(0, Math.min(99, Math.floor(percent)));
    const now = Date.now();
    if (value <= shown || now - lastWrite < PROGRESS_WRITE_MS) return;
    shown = value;
    lastWrite = now;
    writing = writing.then(() => writeWhile(deps.db, imageId, ["validating"], { validationProgress: value })).catch(() => undefined);
  };
}

function pump(): void {
  const limit = inspectionLimits().size;
  while (queue.active.size < limit && queue.waiting.length > 0) {
    const job = queue.waiting.shift() as Job;
    queue.active.add(job.imageId);
    void validateImage(job.deps, job.imageId, progressWriter(job.deps, job.imageId), job.checksum)
      .catch((error: unknown) => console.error(`validation of image ${job.imageId} stopped`, error))
      .finally(() => {
        queue.active.delete(job.imageId);
        pump();
        if (queue.active.size === 0 && queue.waiting.length === 0) for (const resolve of queue.idle.splice(0)) resolve();
      });
  }
}

/**
 * Queues an image (status "validating") for validation off the request path,
 * a bounded number at a time. An image still validating when the process
 * stops is picked up again at the next start (resumePendingValidations).
 */
export function scheduleValidation(deps: CatalogDeps, imageId: string, checksum?: Promise<string>): void {
  if (queue.stopped || queue.active.has(imageId) || queue.waiting.some((job) => job.imageId === imageId)) return;
  queue.waiting.push({ deps, imageId, checksum });
  pump();
}

/** At boot: queues every image left "validating" by a stop or a crash. */
export async function resumePendingValidations(deps: CatalogDeps): Promise<number> {
  const pending = await deps.db.image.findMany({ where: { status: "validating" }, select: { id: true }, orderBy: { updatedAt: "asc" } });
  for (const { id } of pending) scheduleValidation(deps, id);
  return pending.length;
}

/** How many validations run and wait now. */
export function validationActivity(): { active: number; waiting: number } {
  return { active: queue.active.size, waiting: queue.waiting.length };
}

/**
 * A shutdown: no validation starts any more, and those waiting are dropped (their images stay "validating" in
 * the database, which the next start resumes). Resolves when the running ones have ended.
 */
export function stopValidations(): Promise<void> {
  queue.stopped = true;
  queue.waiting.length = 0;
  return validationsSettled();
}

/** Resolves when no validation is queued or running (the seed script, tests). */
export function validationsSettled(): Promise<void> {
  if (queue.active.size === 0 && queue.waiting.length === 0) return Promise.resolve();
  return new Promise((resolve) => queue.idle.push(resolve));
}
