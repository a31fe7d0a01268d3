import { z } from "zod";
import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import type { CatalogDeps } from "./deps";
import type { ImageStatus } from "./image";
import { decide } from "./policy";
import { imageSubject, membershipsOf, sharesToActor } from "./standing";

/** Where an image in flux stands: what the browser's one live poll (lib/uploads/client/live-status.ts) reads. */
export interface ImageProgress {
  id: string;
  status: ImageStatus;
  /** While uploading: the share of the bytes the server has received (as of its last progress note), else null. */
  uploadProgress: number | null;
  validationProgress: number;
  /** Failed checks of a rejected image. */
  failures: number;
}

/** At most this many images per request: a page of the catalog is 25 to 100 rows. */
export const MAX_PROGRESS_IDS = 100;

const storedChecks = z.looseObject({ checks: z.array(z.looseObject({ status: z.string() })) });

function failedChecks(report: string | null): number {
  try {
    const parsed = storedChecks.safeParse(JSON.parse(report ?? "null"));
    return parsed.success ? parsed.data.checks.filter((check) => check.status === "fail").length : 0;
  } catch {
    return 0;
  }
}

/** The share of an image's bytes in: an upload's, or an import's of the file as published (null while its length is unknown). */
function transferred(row: { fileSize: bigint; upload: { offset: bigint } | null; import: { received: bigint; total: bigint | null } | null }): number | null {
  if (row.import?.total) return Number((row.import.received * 100n) / row.import.total);
  return row.upload && row.fileSize > 0n ? Number((row.upload.offset * 100n) / row.fileSize) : null;
}

/**
 * Where each of a few images stands, for the ones the actor may see (the others are left out, as if
 * missing). Read from the database only, so any node behind a balancer answers the same.
 */
export async function imageProgress(deps: CatalogDeps, actor: Actor | null, ids: string[]): Promise<Result<ImageProgress[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const memberships = await membershipsOf(deps.db, actor);
  const rows = await deps.db.image.findMany({
    where: { id: { in: ids.slice(0, MAX_PROGRESS_IDS) } },
    select: {
      id: true,
      status: true,
      fileSize: true,
      validationProgress: true,
      report: true,
      visibility: true,
      projectId: true,
      shares: { where: sharesToActor(actor, memberships), select: { projectId: true, userId: true } },
      upload: { select: { offset: true } },
      import: { select: { received: true, total: true } },
    },
  });
  return ok(
    rows
      .filter((row) => decide(actor, "view", imageSubject(actor, memberships, row)) === "allow")
      .map((row) => ({
        id: row.id,
        status: row.status as ImageStatus,
        uploadProgress: row.status === "uploading" ? transferred(row) : null,
        validationProgress: row.validationProgress,
        failures: row.status === "rejected" ? failedChecks(row.report) : 0,
      })),
  );
}
