import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@tus/server";
import type { Upload as UploadRow } from "../db/generated/client";
import { actorFromRequest } from "../auth/request";
import { httpStatus } from "../result";
import type { RawRoute } from "../server/server";
import { uploadOf } from "./access";
import type { UploadDeps } from "./deps";
import { UPLOAD_PATH } from "./endpoint";
import { listUnfinishedUploads, toUnfinishedUpload } from "./list";
import { uploadRequestContext } from "./request-context";
import { createTusServer } from "./tus-server";

function send(req: IncomingMessage, res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8") {
  const headers: Record<string, string> = { "tus-resumable": "1.0.0", "content-type": type, "cache-control": "no-store", "content-length": String(Buffer.byteLength(body)) };
  // A refused PATCH may carry gigabytes: close rather than read them to keep the connection.
  if (status >= 400 && Number(req.headers["content-length"] ?? 0) > 0) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
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
      const actor = await actorFromRequest(req);
      if (!actor) return send(req, res, 401, "Sign in first, or send an API token (Authorization: Bearer).\n");
      const pathname = new URL(req.url ?? "/", "http://hangar").pathname;
      const id = pathname.slice(UPLOAD_PATH.length).replace(/^\/+|\/+$/g, "");
      let row: UploadRow | undefined;
      if (id) {
        const upload = await uploadOf(deps, actor, id);
        if (!upload.ok) return send(req, res, httpStatus(upload.error.code), `${upload.error.message}\n`);
        if (req.method === "GET") return send(req, res, 200, JSON.stringify(toUnfinishedUpload(deps, upload.value)), "application/json");
        row = upload.value;
        const lastByte = req.method === "PATCH" ? Date.now() : upload.value.lastByteAt.getTime();
        res.setHeader("Upload-Expires", new Date(lastByte + deps.config.expiryMs).toUTCString());
      } else if (req.method === "GET") {
        const uploads = await listUnfinishedUploads(deps, actor);
        return send(req, res, 200, JSON.stringify(uploads.ok ? uploads.value : []), "application/json");
      }
      await uploadRequestContext.run({ actor, res, upload: row }, () => tus.handle(req, res));
    },
  };
}
