// What the upload benchmarks share: a source file, and one request streaming it.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const MiB = 1024 ** 2;

/** A file of random-looking bytes in `dir`: one 16 MiB random block, repeated. */
export function sourceFile(dir: string, size: number): string {
  const file = path.join(dir, `source-${size}.bin`);
  const block = randomBytes(16 * MiB);
  const out = fs.openSync(file, "w");
  for (let written = 0; written < size; written += block.length) fs.writeSync(out, block, 0, Math.min(block.length, size - written));
  fs.closeSync(out);
  return file;
}

/** One request whose body is the file, streamed; the same code sends to every server measured. */
export function send(url: string, method: string, headers: Record<string, string>, file?: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response));
    });
    request.on("error", reject);
    if (file) fs.createReadStream(file, { highWaterMark: MiB }).pipe(request);
    else request.end();
  });
}
