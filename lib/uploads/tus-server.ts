import { randomBytes } from "node:crypto";
import { ERRORS, Server } from "@tus/server";
import { type DomainError, httpStatus } from "../result";
import { createUpload } from "./create";
import type { UploadDeps } from "./deps";
import { UPLOAD_PATH } from "./endpoint";
import { UploadStore } from "./file-store";
import { finishUpload } from "./finish";
import { tooLargeMessage } from "./messages";
import { currentUploadRequest } from "./request-context";

/** The header carrying the id of the image an upload fills: on the creating POST and on the last PATCH. */
export const IMAGE_ID_HEADER = "Hangar-Image-Id";

const tusError = (error: DomainError) => ({ status_code: httpStatus(error.code), body: `${error.message}\n` });

/**
 * @tus/server with Hangar's store and hooks: creation checks every limit and
 * creates the image, the last byte finishes it. Authentication and ownership
 * are checked before a request reaches it (uploadRoute).
 */
export function createTusServer(deps: UploadDeps): Server {
  return new Server({
    path: UPLOAD_PATH,
    datastore: new UploadStore(deps),
    maxSize: deps.config.maxImageSize,
    relativeLocation: true,
    // Same-origin only: the browser uses its session cookie, the CLI a bearer token; no site may use either cross-origin.
    allowedOrigins: () => false,
    disableTerminationForFinishedUploads: true,
    namingFunction: () => randomBytes(16).toString("hex"),
    async onUploadCreate(_req, upload) {
      const { actor, res } = currentUploadRequest();
      const created = await createUpload(deps, actor, { id: upload.id, length: upload.size ?? null, metadata: upload.metadata });
      if (!created.ok) throw tusError(created.error);
      res.setHeader(IMAGE_ID_HEADER, created.value.imageId);
      res.setHeader("Upload-Expires", new Date(Date.now() + deps.config.expiryMs).toUTCString());
      return {};
    },
    async onUploadFinish(_req, upload) {
      const finished = await finishUpload(deps, upload.id);
      if (!finished.ok) throw tusError(finished.error);
      return { headers: { [IMAGE_ID_HEADER]: finished.value.imageId } };
    },
    onResponseError(req, error) {
      // tus refuses a too-large Upload-Length before any hook runs; say what the limit is.
      if ("status_code" in error && error.body === ERRORS.ERR_MAX_SIZE_EXCEEDED.body && req.method === "POST") {
        return { status_code: 413, body: `${tooLargeMessage(Number(req.headers.get("upload-length")), deps.config.maxImageSize)}\n` };
      }
      if (!("status_code" in error)) console.error("upload request failed", error);
      return undefined;
    },
  });
}
