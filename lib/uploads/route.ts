import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@tus/server";
import { actorFromRequest } from "../auth/request";
import { errorBody, type HttpErrorCode, httpStatus } from "../result";
import type { RawRoute } from "../server/server";
import { isFinished, ownUpload, readUpload, type UploadRecord } from "./access";
import type { UploadDeps } from "./deps";
import { listUnfinishedUploads, toUnfinishedUpload } from "./list";
import { IMAGE_ID_HEADER, UPLOAD_PATH } from "./protocol";
import { uploadRequestContext } from "./request-context";
import { createTusServer } from "./tus-server";

/** The methods of the tus protocol, and GET for the uploads' state: on the endpoint, and on one upload. */
const METHODS = { endpoint: ["OPTIONS", "GET", "POST"], upload: ["OPTIONS", "HEAD", "GET", "PATCH", "DELETE"] };

function send(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}) {
  const body = JSON.stringify(value);
  const headers: Record<string, string> = {
    "tus-resumable": "1.0.0",
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(body)),
    ...extra,
  };
  // A refused PATCH may carry gigabytes: close rather than read them to keep the connection.
  if (status >= 400 && Number(req.headers["content-length"] ?? 0) > 0) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** An error in the API's one shape (what @tus/server's own errors are turned into as well: tus-server.ts). */
function refuse(req: IncomingMessage, res: ServerResponse, code: HttpErrorCode, message: string, extra: Record<string, string> = {}) {
  send(req, res, httpStatus(code), errorBody(code, message), extra);
}

/**
 * The tus endpoint as a raw route of Hangar's server (docs/decisions.md,
 * "Uploads"): authenticated in one place, each upload visible to its creator
 * only, GET answering with the upload's state (never its bytes).
 */
export function uploadRoute(deps: UploadDeps, tus: Server = createTusServer(deps)): RawRoute {
  return {
    prefix: UPLOAD_PATH,
    async handle(req, res) {
      // OPTIONS says what the server supports (version, extensions, max size): nothing private.
      if (req.method === "OPTIONS") {
        await tus.handle(req, res);
        return;
      }
      const pathname = new URL(req.url ?? "/", "http://hangar").pathname;
      const id = pathname.slice(UPLOAD_PATH.length).replace(/^\/+|\/+$/g, "");
      const allowed = id ? METHODS.upload : METHODS.endpoint;
      if (!allowed.includes(req.method ?? "")) {
        refuse(req, res, "method_not_allowed", `This path answers ${allowed.join(", ")}.`, { allow: allowed.join(", ") });
        return;
      }
      // Authenticated first: a request from nobody costs no read of the upload.
      const actor = await actorFromRequest(req);
      if (!actor) {
        refuse(req, res, "unauthenticated", "Sign in first, or send an API token (Authorization: Bearer).", { "www-authenticate": 'Bearer realm="hangar"' });
        return;
      }
      let row: UploadRecord | undefined;
      if (id) {
        const upload = ownUpload(actor, await readUpload(deps.db, id));
        if (!upload.ok) {
          refuse(req, res, upload.error.code, upload.error.message);
          return;
        }
        row = upload.value;
        if (req.method === "GET") {
          send(req, res, 200, toUnfinishedUpload(deps, row));
          return;
        }
        // Which image the upload fills, on every answer about it: a client that lost the last PATCH's answer
        // (or the server, in a crash) learns it with HEAD.
        res.setHeader(IMAGE_ID_HEADER, row.imageId);
        const lastByte = req.method === "PATCH" ? Date.now() : row.lastByteAt.getTime();
        res.setHeader("Upload-Expires", new Date(lastByte + deps.config.expiryMs).toUTCString());
        if (req.method === "PATCH" && isFinished(row)) {
          refuse(req, res, "conflict", "This upload is complete: all its bytes arrived and its image was created.", { "upload-offset": String(row.length) });
          return;
        }
      } else if (req.method === "GET") {
        const uploads = await listUnfinishedUploads(deps, actor);
        send(req, res, 200, uploads.ok ? uploads.value : []);
        return;
      }
      await uploadRequestContext.run({ actor, res, upload: row }, () => tus.handle(req, res));
    },
  };
}
