import { describe, expect, it } from "vitest";
import { foreignOrigin } from "./origin";

const request = (method: string, headers: Record<string, string>) => ({ method, headers: { host: "hangar.corp:3000", cookie: "s=1", ...headers } });

describe("the origin of a state-changing request with the session cookie", () => {
  it("is foreign when a page of another origin sent it, the same site's other hosts and ports and 'null' included", () => {
    for (const origin of ["https://evil.example", "http://hangar.corp:3001", "http://wiki.hangar.corp:3000", "null", "file://", "not a url"]) {
      expect(foreignOrigin(request("POST", { origin }), undefined)).toBe(origin);
    }
    expect(foreignOrigin(request("PATCH", { origin: "https://evil.example" }), undefined)).toBe("https://evil.example");
    expect(foreignOrigin(request("DELETE", { origin: "https://evil.example" }), undefined)).toBe("https://evil.example");
  });

  it("is Hangar's own when it matches the Host addressed or the public URL behind a proxy", () => {
    expect(foreignOrigin(request("POST", { origin: "http://hangar.corp:3000" }), undefined)).toBeNull();
    expect(foreignOrigin(request("POST", { origin: "https://hangar.example.com", host: "10.0.0.5:3000" }), "https://hangar.example.com")).toBeNull();
  });

  it("is not asked of reads, of clients that send no Origin or no cookie, nor of bearer tokens", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(foreignOrigin(request(method, { origin: "https://evil.example" }), undefined)).toBeNull();
    expect(foreignOrigin(request("POST", {}), undefined)).toBeNull();
    expect(foreignOrigin({ method: "POST", headers: { host: "hangar.corp:3000", origin: "https://evil.example" } }, undefined)).toBeNull();
    expect(foreignOrigin(request("POST", { origin: "https://evil.example", authorization: "Bearer hgr_x" }), undefined)).toBeNull();
  });
});
