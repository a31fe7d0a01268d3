import { z } from "zod";
import { unfinishedUploadSchema } from "../uploads/list";
import { IMAGE_ID_HEADER } from "../uploads/protocol";
import { defineOperation, type HeaderDoc } from "./operation";

// The tus endpoint (lib/uploads) as the OpenAPI document describes it. It is served by @tus/server
// behind Hangar's authentication, not by lib/api's routes, so these declarations only document it;
// the API tests drive them from the document like every other operation. Errors have the API's JSON
// shape, whose message tus clients show as the response text.

const TUS = "1.0.0";
const tusResumable: HeaderDoc = { description: "The tus protocol version: `1.0.0`.", required: true, example: TUS };
const uploadIdParams = z.object({
  uploadId: z.string().min(1).max(128).meta({ description: "The upload's id: the last segment of the Location the creation answered with." }),
});
const expires: HeaderDoc = { description: "When the server removes the unfinished upload unless more bytes arrive (24 hours after the last byte by default)." };
const imageIdHeader: HeaderDoc = { description: "The id of the image the upload fills (on the creation, on HEAD, and on every PATCH)." };

export const uploadCapabilitiesOperation = defineOperation({
  operationId: "getUploadCapabilities",
  method: "options",
  path: "/uploads",
  summary: "What the upload endpoint supports",
  description: "The tus versions, extensions and the largest image accepted. No authentication needed.",
  tag: "Uploads",
  auth: false,
  success: {
    status: 204,
    description: "The capabilities, in headers.",
    headers: {
      "Tus-Resumable": { description: "`1.0.0`." },
      "Tus-Version": { description: "Supported protocol versions." },
      "Tus-Extension": { description: "Supported extensions: creation, termination, expiration..." },
      "Tus-Max-Size": { description: "The largest image accepted, in bytes.", schema: { type: "integer" } },
    },
  },
  errors: [],
});

export const createUploadOperation = defineOperation({
  operationId: "createUpload",
  method: "post",
  path: "/uploads",
  summary: "Start an upload (tus creation)",
  description:
    "Creates an upload and its image (status `uploading`) after checking the size limit, your quota, the server's free space and the name. " +
    "Upload-Metadata is tus's comma-separated list of `key base64(value)` pairs; Hangar reads `name` (default: `filename` without its extension), " +
    "`filename`, `visibility` (`private`, or `platform` for administrators), `sha256` (the file's checksum: different bytes reject the image), " +
    "`description`, `minMemoryMiB`, `minDiskGiB`, `osType`, `osDistro`, `osVersion`, `architecture`, `firmware`, `properties` (a JSON object of strings), and `family` with `version` to add the image as a new version of a family " +
    "(each property not sent is the previous version's; a version the family has is refused with 409: versions never change). " +
    "Then send the bytes with PATCH to the Location. Any tus 1.0 client works (tus-js-client, tusd's, Uppy); `hangar upload` is one. " +
    "The length is required: a deferred one (Upload-Defer-Length) is refused with 400. A creation refused for any reason, its first bytes " +
    "(creation-with-upload) included, leaves nothing behind.",
  tag: "Uploads",
  auth: true,
  headers: {
    "Tus-Resumable": tusResumable,
    "Upload-Length": { description: "The file's size in bytes.", required: true, schema: { type: "integer" }, example: "1048576" },
    "Upload-Metadata": {
      description: "`key base64(value)` pairs, comma-separated: see above.",
      example: "name YWxtYS05LWdvbGRlbg==,filename YWxtYS05LnFjb3cy,minMemoryMiB MjA0OA==",
    },
  },
  success: {
    status: 201,
    description: "Created.",
    headers: {
      Location: { description: "The upload URL, for HEAD, PATCH and DELETE." },
      [IMAGE_ID_HEADER]: imageIdHeader,
      "Upload-Expires": expires,
      "Tus-Resumable": { description: "`1.0.0`." },
    },
  },
  otherResponses: {
    507: { description: "The server has no disk space left for this image.", error: true },
  },
  errors: ["unauthenticated", "invalid", "conflict", "too_large"],
});

export const listUploadsOperation = defineOperation({
  operationId: "listUploads",
  method: "get",
  path: "/uploads",
  summary: "Your unfinished uploads",
  description: "Uploads that have not received their last byte, newest first, to resume them.",
  tag: "Uploads",
  auth: true,
  success: { status: 200, description: "The unfinished uploads.", schema: z.array(unfinishedUploadSchema) },
  errors: ["unauthenticated"],
});

export const getUploadOperation = defineOperation({
  operationId: "getUpload",
  method: "get",
  path: "/uploads/{uploadId}",
  summary: "One of your uploads",
  description:
    "Its state as JSON; never its bytes. A finished upload is still described (its offset is its length) until its record expires. " +
    "Another user's upload answers 404.",
  tag: "Uploads",
  auth: true,
  params: uploadIdParams,
  success: { status: 200, description: "The upload.", schema: unfinishedUploadSchema },
  errors: ["unauthenticated", "not_found"],
});

export const uploadOffsetOperation = defineOperation({
  operationId: "getUploadOffset",
  method: "head",
  path: "/uploads/{uploadId}",
  summary: "How much has arrived (tus HEAD)",
  description:
    "Where to resume: the server's offset, from which the next PATCH continues. A finished upload answers with Upload-Offset equal to " +
    "Upload-Length (it is complete: a client that lost the last answer, or whose server restarted, sees it so) until its record expires, " +
    "24 hours after the last byte by default.",
  tag: "Uploads",
  auth: true,
  params: uploadIdParams,
  headers: { "Tus-Resumable": tusResumable },
  success: {
    status: 200,
    description: "The offset and length, in headers.",
    headers: {
      "Upload-Offset": { description: "Bytes received.", schema: { type: "integer" } },
      "Upload-Length": { description: "The file's size.", schema: { type: "integer" } },
      "Hangar-Image-Id": imageIdHeader,
      "Upload-Expires": expires,
      "Tus-Resumable": { description: "`1.0.0`." },
    },
  },
  errors: ["unauthenticated", "not_found"],
});

export const sendUploadBytesOperation = defineOperation({
  operationId: "sendUploadBytes",
  method: "patch",
  path: "/uploads/{uploadId}",
  summary: "Send bytes (tus PATCH)",
  description:
    "Appends the body at Upload-Offset, which must be the server's current offset. The PATCH that sends the last byte moves the file into image storage " +
    "and starts validation: the image becomes `validating`, then `ready` or `rejected` (follow it with GET /images/{id}).",
  tag: "Uploads",
  auth: true,
  params: uploadIdParams,
  headers: {
    "Tus-Resumable": tusResumable,
    "Upload-Offset": { description: "Where this body starts: the offset HEAD answered.", required: true, schema: { type: "integer" }, example: "0" },
    "Content-Type": { description: "`application/offset+octet-stream`.", required: true, example: "application/offset+octet-stream" },
  },
  rawBody: { mediaType: "application/offset+octet-stream", description: "The next bytes of the file." },
  success: {
    status: 204,
    description: "Stored.",
    headers: {
      "Upload-Offset": { description: "The new offset.", schema: { type: "integer" } },
      "Hangar-Image-Id": imageIdHeader,
      "Upload-Expires": expires,
      "Tus-Resumable": { description: "`1.0.0`." },
    },
  },
  otherResponses: {
    409: { description: "Upload-Offset is not the server's offset (HEAD, then continue from there), or the upload is already complete.", error: true },
    410: { description: "The image the upload was filling was deleted while the bytes streamed in: the upload ended, its bytes are gone.", error: true },
    413: { description: "The body is longer than what is left of the upload's length.", error: true },
    415: { description: "The Content-Type is not application/offset+octet-stream.", error: true },
  },
  errors: ["unauthenticated", "not_found"],
});

export const cancelUploadOperation = defineOperation({
  operationId: "cancelUpload",
  method: "delete",
  path: "/uploads/{uploadId}",
  summary: "Cancel an upload (tus termination)",
  description: "Removes the unfinished upload, its bytes and its image.",
  tag: "Uploads",
  auth: true,
  params: uploadIdParams,
  headers: { "Tus-Resumable": tusResumable },
  success: { status: 204, description: "Cancelled." },
  errors: ["unauthenticated", "not_found"],
});

/** The tus endpoint's operations, for the document. */
export const UPLOAD_OPERATIONS = [
  uploadCapabilitiesOperation,
  createUploadOperation,
  listUploadsOperation,
  getUploadOperation,
  uploadOffsetOperation,
  sendUploadBytesOperation,
  cancelUploadOperation,
] as const;
