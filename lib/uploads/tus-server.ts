import { randomBytes } from "node:crypto";
import { ERRORS, Server } from "@tus/server";
import { engineOutage } from "../http/engine-outage";
import { type DomainError, errorBody } from "../result";
import { createUpload, discardCreatedUpload } from "./create";
import type { UploadDeps } from "./deps";
import { TusRefusal, tusErrorJson } from "./error-answers";
import { finishUpload } from "./finish";
import { tooLargeMessage } from "./messages";
import { IMAGE_ID_HEADER, UPLOAD_PATH } from "./protocol";
import { currentUploadRequest, uploadRequestContext } from "./request-context";

const tusError = (error: DomainError) => new TusRefusal(error.code, error.message, error.fields);

/** Whether an error is one of @tus/server's own refusals. */
const isTusError = (error: unknown, known: { body: string }) => typeof error === "object" && error !== null && "body" in error && error.body === known.body;

/**
 * How long a PATCH asked to give up its lock (its client resumed elsewhere, on this node or another) goes on
 * receiving before it ends: tus's default is 3 s, which the resuming client would wait for. A stalled client's
 * request has nothing to finish; a live one loses a quarter of a second of bytes, which it sends again.
 */
export const LOCK_DRAIN_MS = 250;

const DEFERRED_LENGTH =
  "Send the file's length with the creation (Upload-Length): Hangar checks size, quota and disk space before the first byte, so a deferred length (Upload-Defer-Length) is not accepted.";

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
    datastore: deps.area.datastore(deps),
    locker: deps.locker,
    lockDrainTimeout: LOCK_DRAIN_MS,
    maxSize: deps.config.maxImageSize,
    relativeLocation: true,
    // Same-origin only: the browser uses its session cookie, the CLI a bearer token; no site may use either cross-origin.
    allowedOrigins: () => false,
    disableTerminationForFinishedUploads: true,
    namingFunction: () => randomBytes(16).toString("hex"),
    async onUploadCreate(_req, upload) {
      const context = currentUploadRequest();
      const { actor, res } = context;
      const created = await createUpload(deps, actor, { id: upload.id, length: upload.size ?? null, metadata: upload.metadata });
      if (!created.ok) throw tusError(created.error);
      context.created = { id: upload.id, imageId: created.value.imageId };
      res.setHeader(IMAGE_ID_HEADER, created.value.imageId);
      res.setHeader("Upload-Expires", new Date(Date.now() + deps.config.expiryMs).toUTCString());
      return {};
    },
    async onUploadFinish(_req, upload) {
      const finished = await finishUpload(deps, upload.id);
      if (!finished.ok) throw tusError(finished.error);
      return { headers: { [IMAGE_ID_HEADER]: finished.value.imageId } };
    },
    async onResponseError(req, error) {
      // A creation refused once its records exist (its first bytes longer than declared, a failed write) leaves nothing.
      // OPTIONS runs outside the upload route's context: no creation, no upload.
      const { created, upload } = uploadRequestContext.getStore() ?? {};
      if (created) await discardCreatedUpload(deps, created);
      const tooLarge = isTusError(error, ERRORS.ERR_MAX_SIZE_EXCEEDED) || isTusError(error, ERRORS.ERR_SIZE_EXCEEDED);
      // tus refuses a too-large Upload-Length before any hook runs; say what the limit is.
      if (tooLarge && req.method === "POST" && !created) {
        return {
          status_code: 413,
          body: JSON.stringify(errorBody("too_large", tooLargeMessage(Number(req.headers.get("upload-length")), deps.config.maxImageSize))),
        };
      }
      // Or a body longer than what is left of the declared length.
      if (tooLarge) {
        const length = upload ? Number(upload.length) : Number(req.headers.get("upload-length"));
        return {
          status_code: 413,
          body: JSON.stringify(
            errorBody("too_large", `This request sends more bytes than the upload has left to receive: its length is ${length} bytes (Upload-Length).`),
          ),
        };
      }
      // tus calls a deferred length (on a creation, or declared by a PATCH) "not implemented"; it is a request Hangar does not take.
      if (isTusError(error, ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION))
        return { status_code: 400, body: JSON.stringify(errorBody("invalid", DEFERRED_LENGTH)) };
      if ("status_code" in error) return undefined;
      // The database (the upload's lock, its record) or the store away: the client resumes once it is back.
      const outage = engineOutage(error);
      if (outage) {
        console.error(`upload request: the ${outage.engine} is away`, error);
        return { status_code: outage.status, body: JSON.stringify(errorBody("unavailable", outage.message)) };
      }
      // An unexpected failure: logged here, and not described to the client.
      console.error("upload request failed", error);
      return { status_code: 500, body: JSON.stringify(errorBody("internal", "The upload failed on the server; it was logged. Try again.")) };
    },
  });
}
