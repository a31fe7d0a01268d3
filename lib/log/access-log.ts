import type { IncomingMessage, ServerResponse } from "node:http";
import { logLine } from "./json-lines";

/** A tus request's upload id: with it, the lines of one upload can be followed across requests and nodes. */
const UPLOAD_PATH = /^\/api\/v1\/uploads\/([^/]+)$/;

/** One line per request when its response is done (or its connection gone): method, path, status, duration, upload. */
export function logWhenDone(req: IncomingMessage, res: ServerResponse, started = performance.now()): void {
  res.once("close", () => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const uploadId = UPLOAD_PATH.exec(path)?.[1];
    logLine(res.statusCode >= 500 ? "error" : "info", "request", {
      method: req.method,
      path,
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
      ...(res.writableFinished ? {} : { aborted: true }),
      ...(uploadId === undefined ? {} : { uploadId }),
    });
  });
}
