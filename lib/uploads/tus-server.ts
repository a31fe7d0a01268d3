import { randomBytes } from "node:crypto";
import { ERRORS, Server } from "@tus/server";
import { type DomainError, errorBody, httpStatus } from "../result";
import { createUpload } from "./create";
import type { UploadDeps } from "./deps";
import { tusErrorJson } from "./error-answers";
import { UploadStore } from "./file-store";
import { finishUpload } from "./finish";
import { tooLargeMessage } from "./messages";
import { IMAGE_ID_HEADER, UPLOAD_PATH } from "./protocol";
import { currentUploadRequest } from "./request-context";

const tusError = (error: DomainError) => ({ status_code: httpStatus(error.code), body: JSON.stringify(errorBody(error.code, error.message, error.fields)) });

/**
 * @tus/server answering every error in the API's JSON shape. Its own protocol
 * refusals (412 without Tus-Resumable, 400 for a malformed header) are written
 * directly, past onResponseError, so the one place to catch them all is write().
 */
class JsonErrorTusServer extends Server {
  override write(...[context, headers, status, body = ""]: Parameters<Server["write"]>): ReturnType<Server["write"]> {
    if (status < 400) return super.write(context, headers, status, body);
    headers.set("Content-Type", "application/json");
    return super.write(context, headers, status, tusErrorJson(status, body));
  }
}

/**
 * @tus/server with Hangar's store and hooks: creation checks every limit and
 * creates the image, the last byte finishes it. Authentication and ownership
 * are checked before a request reaches it (uploadRoute).
 */
export function createTusServer(deps: UploadDeps): Server {
  return new JsonErrorTusServer({
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
        return {
          status_code: 413,
          body: JSON.stringify(errorBody("too_large", tooLargeMessage(Number(req.headers.get("upload-length")), deps.config.maxImageSize))),
        };
      }
      if ("status_code" in error) return undefined;
      // An unexpected failure: logged here, and not described to the client.
      console.error("upload request failed", error);
      return { status_code: 500, body: JSON.stringify(errorBody("internal", "The upload failed on the server; it was logged. Try again.")) };
    },
  });
}
