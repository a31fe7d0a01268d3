import { z } from "zod";
import { importRequestSchema } from "../imports/create";
import { importViewSchema } from "../imports/view";
import { defineOperation } from "./operation";

const importParams = z.object({ importId: z.string().min(1).max(64).meta({ description: "The import's id, as its creation answered." }) });

export const createImportOperation = defineOperation({
  operationId: "createImport",
  method: "post",
  path: "/images/imports",
  summary: "Import an image from a URL",
  description:
    "The server downloads the file and makes an image of it as an upload does (status `uploading`, then validation). Before the first byte it checks the URL " +
    "(http or https; private, loopback and link-local addresses refused unless the administrator allows them, redirects included), your right to create " +
    "such an image, its name, the checksum file, and, when the server says the file's length, the size limit, your quota and free disk. " +
    "`.gz`, `.xz`, `.bz2` and `.zst` files are unpacked as they stream, `.tar` and `.ova` give their first disk. A cut connection or a restart resumes with Range. " +
    "Follow it with GET /images/imports/{importId}, or the image's progress (GET /image-progress) as the portal does.",
  tag: "Images",
  auth: true,
  body: importRequestSchema,
  bodyExample: {
    url: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2",
    checksumUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS",
    name: "debian-12-generic",
  },
  success: { status: 201, description: "The import, downloading.", schema: importViewSchema },
  otherResponses: { 507: { description: "The server has no disk space left for this image.", error: true } },
  errors: ["unauthenticated", "invalid", "forbidden", "conflict", "too_large", "quota_exceeded"],
});

export const getImportOperation = defineOperation({
  operationId: "getImport",
  method: "get",
  path: "/images/imports/{importId}",
  summary: "How an import stands",
  description:
    "Bytes received of the file as published, and how it ended: `done` (the image validates or is ready), `failed` with the reason, or `cancelled`. Only its owner sees it.",
  tag: "Images",
  auth: true,
  params: importParams,
  success: { status: 200, description: "The import.", schema: importViewSchema },
  errors: ["unauthenticated", "not_found"],
});

export const cancelImportOperation = defineOperation({
  operationId: "cancelImport",
  method: "delete",
  path: "/images/imports/{importId}",
  summary: "Cancel an import",
  description: "Stops a download in progress: its image and bytes are removed. An import that already ended is answered as it is.",
  tag: "Images",
  auth: true,
  params: importParams,
  success: { status: 200, description: "The import, cancelled (or as it ended).", schema: importViewSchema },
  errors: ["unauthenticated", "not_found"],
});

export const IMPORT_OPERATIONS = [createImportOperation, getImportOperation, cancelImportOperation] as const;
