import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { downloadImageOperation } from "../api/operations";
import { apiError, domainErrorResponse } from "../api/respond";
import { authenticateRequest } from "../auth/request";
import { openDownload } from "../catalog/download";
import { catalogDeps } from "../catalog/runtime";
import { type DomainError, httpStatus } from "../result";
import type { RawRoute } from "./server";

const API_FILE = /^\/api\/v1\/images\/([^/]+)\/file$/;
const PORTAL_FILE = /^\/images\/([^/]+)\/download$/;

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Errors in the API's JSON shape for /api/v1, as a short text for the portal's download links. */
function errorSender(kind: "api" | "portal") {
  return (res: ServerResponse, error: DomainError | { code: "method_not_allowed"; message: string }) => {
    if (kind === "api")
      return send(
        res,
        error.code === "method_not_allowed" ? apiError(error.code, error.message, 405, undefined, { allow: "GET, HEAD" }) : domainErrorResponse(error),
      );
    const status = error.code === "method_not_allowed" ? 405 : httpStatus(error.code);
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...(status === 405 ? { allow: "GET, HEAD" } : {}) });
    res.end(error.message);
    return Promise.resolve();
  };
}

/**
 * Streams an image's bytes straight from storage to the socket, outside Next:
 * with Content-Length (Next drops it from streamed responses, and clients need
 * it for progress and resume), Range, HEAD, and backpressure from the client.
 */
function downloadRoute(kind: "api" | "portal", prefix: string, pattern: RegExp): RawRoute {
  const fail = errorSender(kind);
  return {
    prefix,
    pattern,
    kind: "transfer",
    async handle(req: IncomingMessage, res: ServerResponse) {
      if (req.method !== "GET" && req.method !== "HEAD") return fail(res, { code: "method_not_allowed", message: "This path answers GET and HEAD." });
      const auth = await authenticateRequest(req);
      if (!auth.ok) return fail(res, auth.error);
      const raw = pattern.exec((req.url ?? "").split("?")[0] ?? "")?.[1] ?? "";
      let id: string;
      try {
        id = decodeURIComponent(raw);
      } catch {
        return fail(res, { code: "not_found", message: "No such image." });
      }
      const params = downloadImageOperation.params.safeParse({ id });
      if (!params.success) return fail(res, { code: "not_found", message: "No such image." });
      const query = downloadImageOperation.query.safeParse(Object.fromEntries(new URL(req.url ?? "/", "http://localhost").searchParams));
      if (!query.success) return fail(res, { code: "invalid", message: query.error.issues[0]?.message ?? "Invalid query." });
      const download = await openDownload(catalogDeps(), auth.value.actor, params.data.id, req.headers.range, {
        format: query.data.format,
        compression: query.data.compression,
        acceptEncoding: req.headers["accept-encoding"],
      });
      if (!download.ok) return fail(res, download.error);
      const { status, headers, body } = download.value;
      if (status === 416 && kind === "api") {
        const range = headers["content-range"] ?? "";
        return send(
          res,
          apiError("invalid", `The requested range starts past the end of the file (${range.replace("bytes */", "")} bytes).`, 416, undefined, {
            "content-range": range,
          }),
        );
      }
      res.writeHead(status, { ...headers, "cache-control": "private, no-store" });
      if (!body || req.method === "HEAD") {
        body?.destroy();
        res.end();
        return;
      }
      try {
        await pipeline(body, res);
      } catch (error) {
        // A client that goes away mid-download is normal: it resumes later with Range.
        if ((error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
      }
    },
  };
}

/** The API's and the portal's download paths. */
export function downloadRoutes(): RawRoute[] {
  return [downloadRoute("api", "/api/v1/images", API_FILE), downloadRoute("portal", "/images", PORTAL_FILE)];
}
