import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { z } from "zod";
import type { Actor } from "../auth/actor";
import { type Checksum, formatChecksum, parseChecksum } from "../checksums/checksum";
import { checkNewImage, insertImage, type TargetProject } from "../catalog/create";
import { VISIBILITIES } from "../catalog/image";
import { type DomainErrorCode, fail, ok, type Result } from "../result";
import { freeSpace } from "../uploads/disk";
import { tooLargeMessage } from "../uploads/messages";
import { parseUploadMetadata } from "../uploads/metadata";
import { checkRoom } from "../uploads/room";
import { checksumFromUrl } from "./checksum-url";
import type { ImportDeps } from "./deps";
import { type ImportFailure, asImportFailure } from "./errors";
import { openUrl, parseImportUrl } from "./guarded-http";
import { runImport } from "./run";
import { importView, type ImportView } from "./view";

export const importRequestSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .meta({ description: "The file to import: http or https, to a public address unless an administrator allows others." }),
  checksum: z
    .string()
    .trim()
    .max(200)
    .optional()
    .meta({ description: "The file's checksum as published: `sha256:HEX`, `sha512:HEX`, or bare hex (64 digits SHA-256, 128 SHA-512)." }),
  checksumUrl: z.string().trim().max(4096).optional().meta({
    description:
      "A checksum file to verify against (SHA256SUMS, SHA512SUMS, a BSD-style CHECKSUM, clear-signed or not): its line for the URL's file name counts.",
  }),
  signatureUrl: z.string().trim().max(4096).optional().meta({
    description:
      "With `checksumUrl`: the checksum file's detached OpenPGP signature (Debian's SHA256SUMS.sign, Ubuntu's SHA256SUMS.gpg). A clear-signed checksum file needs none. Either is verified against the server's trusted keys and `signingKey`.",
  }),
  signingKey: z.string().trim().max(100_000).optional().meta({
    description: "With `checksumUrl`: an armored OpenPGP public key trusted for this import's checksum file, besides the keys the administrator configured.",
  }),
  name: z.string().max(1000).optional().meta({ description: "The image's name; by default the file name without its extensions." }),
  visibility: z.enum(VISIBILITIES).optional().meta({ description: "`private` (default), or `platform` for administrators." }),
  project: z
    .string()
    .trim()
    .max(64)
    .optional()
    .meta({ description: "With `private`: the project's id; by default the importer's personal project (or the project their token is limited to)." }),
  description: z.string().max(10_000).optional(),
  family: z.string().max(200).optional().meta({ description: "With `version`: adds the image as a new version of this family." }),
  version: z.string().max(200).optional(),
});

export type ImportRequest = z.output<typeof importRequestSchema>;

/** Failures of the network side as the API's errors: the user gave a URL that cannot be imported. */
const CODES: Partial<Record<ImportFailure["kind"], DomainErrorCode>> = { too_large: "too_large", quota_exceeded: "quota_exceeded" };
export const urlRefusal = (error: unknown) => {
  const failure = asImportFailure(error);
  return fail(CODES[failure.kind] ?? "invalid", failure.message, { url: failure.message });
};

/** The file's name as the URL gives it ("debian-12-generic-amd64.qcow2.xz"), for checksum files and the image's name. */
export function fileNameOf(url: URL): string {
  const last = url.pathname.split("/").filter(Boolean).at(-1) ?? "";
  try {
    return decodeURIComponent(last) || url.hostname;
  } catch {
    return last || url.hostname;
  }
}

/**
 * Starts an import: checks everything that can be checked before the first byte (the URL and where it
 * leads, who may create such an image, its name, the checksum file, the size against the limit, the
 * quota and the free disk when the server says the length), creates the image (status "uploading")
 * with the import's record, and downloads in the background.
 */
export async function startImport(deps: ImportDeps, actor: Actor | null, request: ImportRequest): Promise<Result<ImportView>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const url = parseImportUrl(request.url);
  if (typeof url === "string") return fail("invalid", url, { url });
  if (request.checksum && request.checksumUrl) return fail("invalid", "Give a checksum or a checksum URL, not both.", { checksum: "Give one of the two." });
  if ((request.signatureUrl || request.signingKey) && !request.checksumUrl) {
    const message = "A signature or a signing key is about a checksum file: give its URL too.";
    return fail("invalid", message, { checksumUrl: message });
  }
  let checksum: Checksum | null = null;
  if (request.checksum) {
    checksum = parseChecksum(request.checksum);
    if (!checksum) {
      const message = "The checksum must be sha256:HEX (64 hexadecimal digits) or sha512:HEX (128), as distributions publish them.";
      return fail("invalid", message, { checksum: message });
    }
  }
  const fileName = fileNameOf(url);
  const given = {
    name: request.name,
    filename: fileName,
    visibility: request.visibility,
    project: request.project,
    description: request.description,
    family: request.family,
    version: request.version,
  };
  const metadata = parseUploadMetadata(Object.fromEntries(Object.entries(given).filter((entry): entry is [string, string] => entry[1] !== undefined)));
  if (!metadata.ok) return metadata;
  const { name, visibility, projectId, properties, family, version } = metadata.value;
  const target = visibility === "platform" ? ({ visibility } as const) : ({ visibility, projectId } as const);
  const checked = await checkNewImage(deps, { creator: actor, target, name, properties, family, version });
  if (!checked.ok) return checked;

  if (request.checksumUrl) {
    try {
      const { checksumUrl, signatureUrl, signingKey } = request;
      checksum = await checksumFromUrl({ checksumUrl, signatureUrl, signingKey }, fileName, deps.imports);
    } catch (error) {
      const failure = asImportFailure(error);
      return fail("invalid", failure.message, { checksumUrl: failure.message });
    }
  }

  let opened;
  try {
    opened = await openUrl(url, { config: deps.imports });
  } catch (error) {
    return urlRefusal(error);
  }
  const refusal = await checkImportRoom(deps, checked.value.project, opened.total);
  if (!refusal.ok) {
    opened.response.destroy();
    return refusal;
  }
  const id = randomBytes(16).toString("hex");
  const created = await insertImage(
    deps,
    checked.value,
    {
      status: "uploading",
      fileSize: BigInt(opened.total ?? 0),
      sourceFileName: fileName,
      import: {
        create: {
          id,
          user: { connect: { id: actor.id } },
          url: url.href,
          finalUrl: opened.url.href,
          fileName,
          checksum: checksum ? formatChecksum(checksum) : null,
          checksumUrl: request.checksumUrl ?? null,
          status: "downloading",
          total: opened.total === null ? null : BigInt(opened.total),
          validator: opened.validator,
        },
      },
    },
    "image.upload",
  );
  if (!created.ok) {
    opened.response.destroy();
    return created;
  }
  fs.mkdirSync(deps.downloadDir, { recursive: true });
  void runImport(deps, id, opened).catch((error: unknown) => console.error(`import ${id}:`, error));
  const row = await deps.db.imageImport.findUniqueOrThrow({ where: { id } });
  return ok(importView(row));
}

/** The size limit, the project's quota (platform images count toward none) and the free disk, for a file of `total` bytes (unknown: checked while it streams). */
export async function checkImportRoom(deps: ImportDeps, project: TargetProject | null, total: number | null): Promise<Result<null>> {
  if (total === null) return ok(null);
  if (total > deps.config.maxImageSize) return fail("too_large", tooLargeMessage(total, deps.config.maxImageSize));
  fs.mkdirSync(deps.downloadDir, { recursive: true });
  return checkRoom(deps, project, total, { freeSpace: () => freeSpace(deps.downloadDir), label: "imports" });
}
