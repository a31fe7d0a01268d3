import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@tus/server";
import type { Upload as UploadRow } from "../db/generated/client";
import { actorFromRequest } from "../auth/request";
import { errorBody, type HttpErrorCode, httpStatus } from "../result";
import type { RawRoute } from "../server/server";
import { uploadOf } from "./access";
import type { UploadDeps } from "./deps";
import { listUnfinishedUploads, toUnfinishedUpload } from "./list";
import { UPLOAD_PATH } from "./protocol";
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
      if (req.method === "OPTIONS") return tus.handle(req, res);
      const pathname = new URL(req.url ?? "/", "http://hangar").pathname;
      const id = pathname.slice(UPLOAD_PATH.length).replace(/^\/+|\/+$/g, "");
      const allowed = id ? METHODS.upload : METHODS.endpoint;
      if (!allowed.includes(req.method ?? ""))
        return refuse(req, res, "method_not_allowed", `This path answers ${allowed.join(", ")}.`, { allow: allowed.join(", ") });
      const actor = await actorFromRequest(req);
      if (!actor)
        return refuse(req, res, "unauthenticated", "Sign in first, or send an API token (Authorization: Bearer).", {
          "www-authenticate": 'Bearer realm="hangar"',
        });
      let row: UploadRow | undefined;
      if (id) {
        const upload = await uploadOf(deps, actor, id);
        if (!upload.ok) return refuse(req, res, upload.error.code, upload.error.message);
        if (req.method === "GET") return send(req, res, 200, toUnfinishedUpload(deps, upload.value));
        row = upload.value;
        const lastByte = req.method === "PATCH" ? Date.now() : upload.value.lastByteAt.getTime();
        res.setHeader("Upload-Expires", new Date(lastByte + deps.config.expiryMs).toUTCString());
      } else if (req.method === "GET") {
        const uploads = await listUnfinishedUploads(deps, actor);
        return send(req, res, 200, uploads.ok ? uploads.value : []);
      }
      await uploadRequestContext.run({ actor, res, upload: row }, () => tus.handle(req, res));
    },
  };
}
