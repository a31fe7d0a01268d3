import type { Visibility } from "../../catalog/image";
import { imageNameSchema } from "../../catalog/schemas";
import { fail, ok, type Result } from "../../result";
import { imageNameFromFileName } from "../file-name";
import type { UploadLimits } from "../limits";
import type { UnfinishedUpload } from "../list";
import { overQuotaMessage, tooLargeMessage } from "../messages";
import type { MetadataKey } from "../protocol";
import { resumeRefusal, sampleFingerprint } from "../sample-fingerprint";
import { type Precheck, precheckFile } from "./precheck";

/** What a plan reads besides the file: nothing here is fetched, so the same inputs give the same plan. */
export interface PlanContext {
  visibility: Visibility;
  limits: UploadLimits;
  /** The user's unfinished uploads on the server (GET /api/v1/uploads). */
  unfinished: UnfinishedUpload[];
  /** Upload URLs tus-js-client remembers for a file of this name, type, size and date (its fingerprint). */
  remembered: string[];
}

/** What to do with one file the user picked or dropped, decided before a byte is sent. */
export interface UploadPlan {
  /** The image's name as proposed: from the file name, or the unfinished upload's. */
  name: string;
  /** lib/inspect's format checks on the file's first KiBs. */
  precheck: Precheck;
  /** The file's sampleFingerprint, sent at creation so that resuming can recognise the file; null without WebCrypto. */
  sample: string | null;
  /** An unfinished upload of this very file: starting continues it. */
  resume: UnfinishedUpload | null;
  /** Why the file cannot be sent at all (over the size limit or the quota), or null. */
  blocked: string | null;
}

/** A key of an upload's metadata: absent when the client that created it did not send it. */
const metadataOf = (upload: UnfinishedUpload, key: MetadataKey): string | undefined => (upload.metadata as Partial<Record<string, string>>)[key];

/** The image name an unfinished upload was created under (the server's default when it came without one). */
export const resumedName = (upload: UnfinishedUpload): string => metadataOf(upload, "name") ?? imageNameFromFileName(upload.fileName);
const resumedVisibility = (upload: UnfinishedUpload): Visibility => (metadataOf(upload, "visibility") === "platform" ? "platform" : "private");

/**
 * The plan for `file`: the format precheck, the sample fingerprint, the unfinished upload it
 * continues (one tus-js-client remembers for it first, else one of the same file name; either only
 * when size and sample match, since tus-js-client's fingerprint is name, type, size and date, which
 * another file can share), the name to propose and the limits it would break.
 */
export async function planUpload(file: File, context: PlanContext): Promise<UploadPlan> {
  const [precheck, sample] = await Promise.all([precheckFile(file), sampleFingerprint(file).catch(() => null)]);
  const candidates = [
    ...context.remembered.flatMap((url) => context.unfinished.filter((upload) => url.endsWith(upload.url))),
    ...context.unfinished.filter((upload) => upload.fileName === file.name),
  ];
  let resume: UnfinishedUpload | null = null;
  for (const upload of candidates) {
    if ((await resumeRefusal(file, upload, sample)) === null) {
      resume = upload;
      break;
    }
  }
  const { maxImageSize, quota } = context.limits;
  const tooLarge = file.size > maxImageSize ? tooLargeMessage(file.size, maxImageSize) : null;
  // An unfinished upload already counts toward the quota at its full length: continuing it needs no more.
  const counted = context.visibility === "private" && quota !== null && resume === null;
  const overQuota = counted && quota.used + file.size > quota.limit ? overQuotaMessage(file.size, quota.used, quota.limit) : null;
  return {
    name: resume ? resumedName(resume) : imageNameFromFileName(file.name),
    precheck,
    sample,
    resume,
    blocked: tooLarge ?? overQuota,
  };
}

/** What the user chose in the dialog for a file: its name and the properties filled in. */
export interface UploadChoice {
  name: string;
  visibility: Visibility;
  /** The project a private image goes into; null or absent: the uploader's default (their personal project). */
  projectId?: string | null;
  properties: Record<string, string>;
}

/** What UploadManager.start takes: the file, the name it shows, and either new metadata or the upload to continue. */
export interface UploadStart {
  file: File;
  name: string;
  visibility: Visibility;
  metadata: Record<string, string>;
  resumeUrl: string | null;
}

/** Upload-Metadata for a new image: the name, the file it came from, where it goes, and the properties set (empty ones left out). */
export function uploadMetadata(input: {
  name: string;
  fileName: string;
  visibility: Visibility;
  projectId?: string | null;
  properties: Record<string, string>;
}): Record<string, string> {
  const properties = Object.fromEntries(Object.entries(input.properties).filter(([, value]) => value.trim() !== ""));
  const metadata: Partial<Record<MetadataKey, string>> = { name: input.name.trim(), filename: input.fileName, visibility: input.visibility };
  if (input.visibility === "private" && input.projectId) metadata.project = input.projectId;
  return { ...metadata, ...properties };
}

/**
 * The upload to start for a planned file, or why not: a refused file starts nothing; a file that
 * continues an unfinished upload keeps that upload's name and metadata; a new one needs a valid name.
 */
export function startOf(file: File, plan: UploadPlan, choice: UploadChoice): Result<UploadStart> {
  if (plan.blocked) return fail("invalid", plan.blocked);
  if (plan.precheck.state === "rejected") return fail("invalid", plan.precheck.checks[0]?.message ?? "This file is not a disk image Hangar accepts.");
  if (plan.resume) return ok({ file, name: plan.name, visibility: resumedVisibility(plan.resume), metadata: plan.resume.metadata, resumeUrl: plan.resume.url });
  const name = imageNameSchema.safeParse(choice.name);
  if (!name.success) {
    const message = name.error.issues[0]?.message ?? "Invalid name.";
    return fail("invalid", message, { name: message });
  }
  const metadata = uploadMetadata({
    name: name.data,
    fileName: file.name,
    visibility: choice.visibility,
    projectId: choice.projectId,
    properties: choice.properties,
  });
  return ok({ file, name: name.data, visibility: choice.visibility, metadata: plan.sample ? { ...metadata, sample: plan.sample } : metadata, resumeUrl: null });
}

/**
 * The upload that continues `upload` (from the unfinished-uploads list) with the file the user selected,
 * or why that file cannot: another size, or the same size with other content (its sample differs).
 */
export async function resumeStart(file: File, upload: UnfinishedUpload): Promise<Result<UploadStart>> {
  const refusal = await resumeRefusal(file, upload);
  if (refusal) return fail("invalid", refusal);
  return ok({ file, name: resumedName(upload), visibility: resumedVisibility(upload), metadata: upload.metadata, resumeUrl: upload.url });
}
