import http from "node:http";
import type { AddressInfo } from "node:net";
import { API_VERSION_HEADER } from "../api/version";

/**
 * A stand-in for a Hangar server of another release: it answers GET /api/v1/me and a list of
 * images of two (empty) pages with valid bodies, announcing `apiVersion` in the header (or
 * nothing), so that a test sees what the CLI makes of a server newer or older than itself.
 */
export async function announcingServer(apiVersion: string | null): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://stub");
    const body =
      url.pathname === "/api/v1/me"
        ? { id: "u1", email: "someone@example.com", name: "Someone", role: "user", via: "token", token: null }
        : url.pathname === "/api/v1/images"
          ? { items: [], total: 0, page: Number(url.searchParams.get("page") ?? 1), pageSize: 100, pageCount: 2 }
          : null;
    const headers: Record<string, string> = { "content-type": "application/json", ...(apiVersion ? { [API_VERSION_HEADER]: apiVersion } : {}) };
    res.writeHead(body ? 200 : 404, headers);
    res.end(JSON.stringify(body ?? { error: { code: "not_found", message: "No such path." } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
