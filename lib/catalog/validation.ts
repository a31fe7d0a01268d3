import { recordAudit, SYSTEM } from "../audit/record";
import type { Check, InspectionReport } from "../inspect/report";
import type { CatalogDeps } from "./deps";
import { inspectStoredFile } from "./inspector";
import { columnsFromReport } from "./prefill";

/** The report stored on an image: an inspection report, or only a verdict and checks when the file could not be read. */
export type StoredReport = Pick<InspectionReport, "verdict" | "checks"> & Partial<Omit<InspectionReport, "verdict" | "checks">>;

const PROGRESS_WRITE_MS = 500;

function checksumCheck(declared: string, received: string | null): Check {
  if (declared === received)
    return { id: "upload.checksum", status: "pass", message: `The SHA-256 declared with the upload matches the bytes received (${declared}).` };
  return {
    id: "upload.checksum",
    status: "fail",
    message: `The bytes received have SHA-256 ${received ?? "(unknown)"}, but the upload declared ${declared}: the file changed or was damaged on the way. Upload it again.`,
    fix: "sha256sum <file>   # compare with the checksum you send",
  };
}

/**
 * The one validation step every new image goes through, uploaded or registered
 * by an admin: inspects the stored file with lib/inspect (full depth), checks
 * the checksum the uploader declared, stores the report, fills in what the
 * guest tells about itself, and sets the status to ready or rejected.
 * Only images still "validating" are touched, so a deletion meanwhile wins.
 */
export async function validateImage(deps: CatalogDeps, imageId: string, onProgress?: (percent: number) => void): Promise<void> {
  const row = await deps.db.image.findUnique({ where: { id: imageId } });
  if (!row || row.status !== "validating") return;
  let report: StoredReport;
  try {
    const filePath = row.storageKey ? deps.store.localPath(row.storageKey) : null;
    if (!filePath) throw new Error("its bytes are not in storage");
    report = await inspectStoredFile(filePath, row.sourceFileName ?? `${row.name}.img`, onProgress);
  } catch (error) {
    console.error(`validating image ${imageId} failed`, error);
    report = {
      verdict: "rejected",
      checks: [
        { id: "validation.error", status: "fail", message: `Hangar could not read this image: ${error instanceof Error ? error.message : String(error)}.` },
      ],
    };
  }
  if (row.declaredSha256) {
    const check = checksumCheck(row.declaredSha256, row.sha256);
    report = { ...report, checks: [check, ...report.checks], verdict: check.status === "fail" ? "rejected" : report.verdict };
  }
  const { count } = await deps.db.image.updateMany({
    where: { id: imageId, status: "validating" },
    data: {
      ...columnsFromReport(report, row),
      status: report.verdict === "accepted" ? "ready" : "rejected",
      report: JSON.stringify(report),
      validationProgress: 100,
    },
  });
  if (count === 1)
    await recordAudit(deps.db, SYSTEM, {
      action: "image.validate",
      object: { id: imageId, label: row.name },
      before: { status: "validating" },
      after: {
        status: report.verdict === "accepted" ? "ready" : "rejected",
        failed: report.checks.filter((check) => check.status === "fail").map((check) => check.id),
      },
    });
}

interface Job {
  deps: CatalogDeps;
  imageId: string;
}

interface Queue {
  waiting: Job[];
  active: Set<string>;
  idle: (() => void)[];
}

// On globalThis: server actions run from Next's bundle and the upload route from the server's own
// modules, two copies of this file in one process that must share one queue and one bound.
const holder = globalThis as unknown as { hangarValidationQueue?: Queue };
const queue = (): Queue => (holder.hangarValidationQueue ??= { waiting: [], active: new Set(), idle: [] });

/** How many images are inspected at once (HANGAR_VALIDATION_CONCURRENCY, default 2). */
export function validationConcurrency(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.HANGAR_VALIDATION_CONCURRENCY ?? 2);
  return Number.isInteger(value) && value > 0 ? value : 2;
}

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
    writing = writing
      .then(() => deps.db.image.updateMany({ where: { id: imageId, status: "validating" }, data: { validationProgress: value } }))
      .catch(() => undefined);
  };
}

function pump(): void {
  const state = queue();
  const limit = validationConcurrency();
  while (state.active.size < limit && state.waiting.length > 0) {
    const job = state.waiting.shift() as Job;
    state.active.add(job.imageId);
    void validateImage(job.deps, job.imageId, progressWriter(job.deps, job.imageId))
      .catch((error: unknown) => console.error(`validation of image ${job.imageId} stopped`, error))
      .finally(() => {
        state.active.delete(job.imageId);
        pump();
        if (state.active.size === 0 && state.waiting.length === 0) for (const resolve of state.idle.splice(0)) resolve();
      });
  }
}

/**
 * Queues an image (status "validating") for validation off the request path,
 * a bounded number at a time. An image still validating when the process
 * stops is picked up again at the next start (resumePendingValidations).
 */
export function scheduleValidation(deps: CatalogDeps, imageId: string): void {
  const state = queue();
  if (state.active.has(imageId) || state.waiting.some((job) => job.imageId === imageId)) return;
  state.waiting.push({ deps, imageId });
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
  const state = queue();
  return { active: state.active.size, waiting: state.waiting.length };
}

/** Resolves when no validation is queued or running (the seed script, tests). */
export function validationsSettled(): Promise<void> {
  const state = queue();
  if (state.active.size === 0 && state.waiting.length === 0) return Promise.resolve();
  return new Promise((resolve) => state.idle.push(resolve));
}
