import http from "node:http";
import https from "node:https";

/** What the API client reads of an answer; a fetch Response has it too. */
export interface HttpAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** As long as fetch waits for headers by default: a server that says nothing for that long is down. */
const TIMEOUT = 300_000;

/**
 * One request with node:http(s), its answer read whole: for the API's JSON, where fetch would cost
 * more than the rest of a command. Node's fetch (undici) loads and compiles its HTTP parser, to
 * WebAssembly, on first use: about 100 ms of CPU for `hangar images ls` (docs/benchmarks.md).
 * Downloads still stream with fetch.
 */
export function httpRequest(url: string, init: { method?: string; headers: Record<string, string>; body?: string }): Promise<HttpAnswer> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  const headers = init.body === undefined ? init.headers : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const request = transport.request(target, { method: init.method ?? "GET", headers, timeout: TIMEOUT }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({
          ok: status >= 200 && status < 300,
          status,
          statusText: response.statusMessage ?? "",
          headers: {
            get: (name) => {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(", ") : (value ?? null);
            },
          },
          text: () => Promise.resolve(body),
        });
      });
    });
    request.on("timeout", () => request.destroy(Object.assign(new Error(`no answer in ${TIMEOUT / 60_000} minutes`), { code: "ETIMEDOUT" })));
    request.on("error", reject);
    request.end(init.body);
  });
}
