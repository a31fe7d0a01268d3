import { z } from "zod";
import { deprecationInputSchema, imagePatchSchema } from "../catalog/schemas";
import { ACCOUNT_OPERATIONS } from "./account-operations";
import { AUDIT_OPERATIONS } from "./audit-operations";
import { IMPORT_OPERATIONS } from "./import-operations";
import { PROJECT_OPERATIONS } from "./project-operations";
import { defineOperation, type HeaderDoc } from "./operation";
import {
  familyHistorySchema,
  familyParamsSchema,
  familyQuerySchema,
  downloadQuerySchema,
  imageIdParamsSchema,
  imageListQuerySchema,
  imagePageSchema,
  imageProgressQuerySchema,
  imageProgressSchema,
  imageSchema,
  meSchema,
  versionSchema,
} from "./schemas";

export const meOperation = defineOperation({
  operationId: "getMe",
  method: "get",
  path: "/me",
  summary: "Who am I",
  description: "The user the request is authenticated as, and the token it came with. `hangar login` calls it to check a token.",
  tag: "Account",
  auth: true,
  success: { status: 200, description: "The authenticated user.", schema: meSchema },
  errors: ["unauthenticated"],
});

export const listImagesOperation = defineOperation({
  operationId: "listImages",
  method: "get",
  path: "/images",
  summary: "List images",
  description: "One page of the platform catalog, of your private images, or of both, with search and sort.",
  tag: "Images",
  auth: true,
  query: imageListQuerySchema,
  success: { status: 200, description: "One page of images.", schema: imagePageSchema },
  errors: ["unauthenticated", "invalid"],
});

export const getImageOperation = defineOperation({
  operationId: "getImage",
  method: "get",
  path: "/images/{id}",
  summary: "Get an image",
  description: "Every property of one image, with its validation report. Another user's private image answers 404, like a missing one.",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  success: { status: 200, description: "The image.", schema: imageSchema },
  errors: ["unauthenticated", "not_found"],
});

export const imageProgressOperation = defineOperation({
  operationId: "getImageProgress",
  method: "get",
  path: "/image-progress",
  summary: "Where images in flux stand",
  description:
    "Status, upload and validation progress of a few images at once, to follow them until they are `ready` or `rejected` " +
    "(the portal polls it once for every image on screen). Images you may not see, and missing ones, are left out.",
  tag: "Images",
  auth: true,
  query: imageProgressQuerySchema,
  success: { status: 200, description: "One entry per image you may see.", schema: imageProgressSchema },
  errors: ["unauthenticated", "invalid"],
});

export const updateImageOperation = defineOperation({
  operationId: "updateImage",
  method: "patch",
  path: "/images/{id}",
  summary: "Rename an image or change its properties",
  description:
    "Send only the fields to change; null (or an empty string) clears a field. `properties` replaces the free-form properties as a whole. " +
    "Everything is validated first: when one field is invalid nothing changes and `error.fields` says why. " +
    "Platform images can only be changed by administrators.",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  body: imagePatchSchema,
  bodyExample: { name: "debian-12-golden", minMemoryMiB: 2048, osDistro: "debian", osVersion: "12", properties: { hw_disk_bus: "virtio" } },
  success: { status: 200, description: "The image after the change.", schema: imageSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found", "conflict", "too_large"],
});

export const deleteImageOperation = defineOperation({
  operationId: "deleteImage",
  method: "delete",
  path: "/images/{id}",
  summary: "Delete an image",
  description: "Removes the image and its bytes. Platform images can only be deleted by administrators.",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  success: { status: 204, description: "Deleted." },
  errors: ["unauthenticated", "forbidden", "not_found"],
});

const fileHeaders: Record<string, HeaderDoc> = {
  "Accept-Ranges": { description: "Always `bytes`: downloads can resume with Range.", schema: { type: "string" } },
  "Content-Length": { description: "Bytes in this response.", schema: { type: "integer" } },
  "Content-Disposition": { description: "`attachment` with the image's name as the file name.", schema: { type: "string" } },
  ETag: { description: "The quoted sha256 of the whole image, when known; for an export, the quoted disk digest and format.", schema: { type: "string" } },
  "X-Disk-Digest": {
    description: "The image's virtual-disk digest (hex), the same for every format of its disk: verify an export with it. Sent once validation computed it.",
    schema: { type: "string", pattern: "^[0-9a-f]{64}$" },
    required: false,
  },
  "X-Checksum-Sha256": {
    description: "The sha256 of the whole image (hex), when known: verify the download with it.",
    schema: { type: "string", pattern: "^[0-9a-f]{64}$" },
  },
};

export const downloadImageOperation = defineOperation({
  operationId: "downloadImage",
  method: "get",
  path: "/images/{id}/file",
  summary: "Download an image",
  description:
    "The image's bytes, streamed. Send `Range: bytes=N-` to resume an interrupted download from byte N. HEAD answers the same headers without the bytes. " +
    'A deprecated image comes with a `Hangar-Deprecation` header (`deprecated; replacement="REF"`); an obsolete or deleted one answers 410, naming its replacement. ' +
    "With `format`, the image's disk converted to that format: raw is read from the stored image as it is sent; qcow2 and vmdk are converted first (the first request waits for the conversion; later ones and resumed ones get the same file). " +
    "`format=qcow2&compression=zlib` writes its clusters compressed, as `qemu-img convert -c` does: a smaller file, slower to make, kept beside the plain one. " +
    "A whole raw disk (stored raw, or `format=raw`) is sent with `Content-Encoding: gzip` and no Content-Length when `Accept-Encoding` allows gzip: its runs of zeros cost next to nothing on the wire. " +
    "A Range request always gets the raw bytes.",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  query: downloadQuerySchema,
  headers: { Range: { description: "One byte range, such as `bytes=1048576-`, to get part of the file (206).", schema: { type: "string" } } },
  success: {
    status: 200,
    description: "The whole file.",
    binary: true,
    headers: {
      ...fileHeaders,
      "Content-Length": {
        description: "Bytes in this response; absent when the body is gzip-encoded (its size is not known before it is sent).",
        schema: { type: "integer" },
        required: false,
      },
      "Content-Encoding": {
        description: "`gzip` for a whole raw disk when Accept-Encoding allows it; absent otherwise.",
        schema: { type: "string" },
        required: false,
      },
    },
  },
  otherResponses: {
    206: {
      description: "The requested range.",
      binary: true,
      headers: { ...fileHeaders, "Content-Range": { description: "Which bytes, as `bytes START-END/SIZE`.", schema: { type: "string" } } },
    },
    416: {
      description: "The range starts past the end of the file.",
      error: true,
      headers: { "Content-Range": { description: "The file's size, as `bytes */SIZE`.", schema: { type: "string" } } },
    },
  },
  errors: ["unauthenticated", "not_found", "conflict", "gone"],
});

export const setImageDeprecationOperation = defineOperation({
  operationId: "setImageDeprecation",
  method: "put",
  path: "/images/{id}/deprecation",
  summary: "Deprecate an image, or make it active again",
  description:
    "As GCP's deprecate: `state` takes effect now (omit it to keep the current one), `replacement` names what to use instead (an image id or FAMILY@latest; " +
    "null clears it), and `deprecateOn`, `obsoleteOn`, `deleteOn` (dates, in that order) make later states take effect by themselves, within a minute. " +
    "`active` clears the replacement and the dates. `deleted` removes the bytes and is final. Owners deprecate their private images, administrators platform ones.",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  body: deprecationInputSchema,
  bodyExample: { state: "deprecated", obsoleteOn: "2030-03-01", deleteOn: "2030-06-01" },
  success: { status: 200, description: "The image after the change.", schema: imageSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found", "conflict", "too_large"],
});

export const familyVersionsOperation = defineOperation({
  operationId: "listFamilyVersions",
  method: "get",
  path: "/families/{family}/versions",
  summary: "A family's version history",
  description: "Every version of a family you may see, newest first, with the one FAMILY@latest resolves to.",
  tag: "Images",
  auth: true,
  params: familyParamsSchema,
  query: familyQuerySchema,
  success: { status: 200, description: "The family's versions.", schema: familyHistorySchema },
  errors: ["unauthenticated", "invalid", "not_found"],
});

export const openApiOperation = defineOperation({
  operationId: "getOpenApiDocument",
  method: "get",
  path: "/openapi.json",
  summary: "This document",
  tag: "Documentation",
  auth: false,
  success: { status: 200, description: "The OpenAPI 3.1 document of this API.", schema: z.looseObject({ openapi: z.string() }) },
  errors: [],
});

export const versionOperation = defineOperation({
  operationId: "getVersion",
  method: "get",
  path: "/version",
  summary: "Hangar's release and this API's version",
  description:
    "No authentication needed. Every answer of this API also carries the API version in the `Hangar-Api-Version` header; " +
    "`hangar` compares it with its own and, when the server's is newer, says how to update from this server.",
  tag: "Documentation",
  auth: false,
  success: { status: 200, description: "The versions, and where to download the `hangar` command.", schema: versionSchema },
  errors: [],
});

/** Every operation of /api/v1, in the order the document lists them. */
export const OPERATIONS = [
  meOperation,
  listImagesOperation,
  getImageOperation,
  imageProgressOperation,
  updateImageOperation,
  deleteImageOperation,
  downloadImageOperation,
  setImageDeprecationOperation,
  familyVersionsOperation,
  ...IMPORT_OPERATIONS,
  ...PROJECT_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...AUDIT_OPERATIONS,
  openApiOperation,
  versionOperation,
] as const;
