import http from "node:http";
import * as tus from "tus-js-client";

const tusHeaders = (token: string) => ({ "tus-resumable": "1.0.0", authorization: `Bearer ${token}` });

/**
 * A PATCH whose body is sent in two halves, with `between` (an engine stopped, say) awaited in the middle: the request
 * is mid-body meanwhile. Resolves with the status, or with the error's code when the server ended the connection.
 */
export function patchInTwo(uploadUrl: string, token: string, offset: number, body: Uint8Array, between: () => Promise<void>): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(uploadUrl, {
      method: "PATCH",
      headers: {
        ...tusHeaders(token),
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
        "content-length": String(body.length),
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.write(body.subarray(0, body.length / 2));
    void between().then(() => req.end(body.subarray(body.length / 2)));
  });
}

/**
 * tus-js-client resuming `uploadUrl` (a client that knows only the URL) while an engine is away, retrying as `hangar
 * upload` does: once it has met a 503, `bringBack` starts the engine again. Resolves when the upload is complete, with
 * every status the client saw and the image it filled.
 */
export async function resumeThroughOutage(
  uploadUrl: string,
  token: string,
  source: Uint8Array,
  bringBack: () => Promise<void>,
): Promise<{ statuses: number[]; imageId: string }> {
  const statuses: number[] = [];
  const client = { failed: false, imageId: "" };
  const done = new Promise<void>((resolve, reject) => {
    new tus.Upload(Buffer.from(source.buffer, source.byteOffset, source.byteLength), {
      uploadUrl,
      headers: { authorization: `Bearer ${token}` },
      chunkSize: 4 * 1024 * 1024,
      uploadSize: source.length,
      retryDelays: [200, 500, 1000, 1000, 2000, 2000, 4000, 4000, 4000],
      onAfterResponse(_req, res) {
        statuses.push(res.getStatus());
        client.imageId = res.getHeader("hangar-image-id") || client.imageId;
      },
      onSuccess: () => resolve(),
      onError(error) {
        client.failed = true;
        reject(error);
      },
    }).start();
  });
  while (!statuses.includes(503) && !client.failed) await new Promise((resolve) => setTimeout(resolve, 50));
  await bringBack();
  await done;
  return { statuses, imageId: client.imageId };
}
