import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrf, signInOverHttp } from "../testing/browser-session";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";

// The production server, as clients and attackers reach it: methods Next does not know, paths that do
// not decode, server action bodies Next fails on, the security headers of every kind of answer, and
// who the client is behind a proxy, trusted or not.

let server: HangarServer;
let trusting: HangarServer;
let demoToken: string;

beforeAll(async () => {
  [server, trusting] = await Promise.all([startHangarServer(), startHangarServer({ HANGAR_TRUSTED_PROXIES: "127.0.0.1, ::1" })]);
  demoToken = (await server.token(server.demo)).secret;
}, 180_000);
afterAll(async () => {
  await Promise.all([server.close(), trusting.close()]);
});

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with any method (fetch refuses TRACE and friends). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

const PATHS = [
  "/",
  "/images",
  "/signin",
  "/settings",
  "/no-such-page",
  "/images/some-id/download",
  "/api/auth/session",
  "/api/v1/images",
  "/api/v1/images/some-id",
  "/api/v1/images/some-id/file",
  "/api/v1/uploads",
  "/api/v1/uploads/some-id",
  "/api/v1/no-such-path",
  "/_next/static/chunks/none.js",
];

describe("methods", () => {
  it("TRACE, WebDAV and other methods get a 405 with Allow (or a 400/404), never a 500, on every kind of path", async () => {
    for (const path of PATHS) {
      for (const method of ["TRACE", "PROPFIND", "MKCOL", "LOCK", "PURGE", "SEARCH", "REPORT"]) {
        const answer = await raw(server.url, method, path);
        expect([400, 404, 405], `${method} ${path}`).toContain(answer.status);
        if (answer.status === 405) expect(answer.headers.allow, `${method} ${path}`).toBeTruthy();
        if (path.startsWith("/api/")) expect((JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code, `${method} ${path}`).toBeTypeOf("string");
      }
    }
  });

  it("pages answer GET, HEAD and POST only", async () => {
    for (const method of ["PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const answer = await raw(server.url, method, "/images");
      expect([answer.status, answer.headers.allow]).toEqual([405, "GET, HEAD, POST"]);
    }
    // Trace the API's real answers: TRACE on an image names the methods that path has.
    expect((await raw(server.url, "TRACE", "/api/v1/images/some-id")).headers.allow).toBe("GET, HEAD, PATCH, DELETE");
  });
});

describe("paths", () => {
  it("a path that is not percent-encoded UTF-8 is a 400, not a 500", async () => {
    for (const path of ["/images/%FF", "/images/%ED%A0%80", "/api/v1/images/%E0%A4%A", "/api/v1/%", "/settings%C0%AF"]) {
      expect((await raw(server.url, "GET", path)).status, path).toBe(400);
    }
  });
});

describe("security headers", () => {
  const COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "x-robots-tag": "noindex, nofollow",
  };

  it("every kind of answer carries them: pages, the API, next-auth, the tus endpoint, downloads, static files", async () => {
    const answers = [
      await raw(server.url, "GET", "/signin"),
      await raw(server.url, "GET", "/api/v1/images", { authorization: `Bearer ${demoToken}` }),
      await raw(server.url, "GET", "/api/auth/csrf"),
      await raw(server.url, "OPTIONS", "/api/v1/uploads"),
      await raw(server.url, "HEAD", "/api/v1/uploads/none", { "tus-resumable": "1.0.0" }),
      await raw(server.url, "GET", "/images/none/download"),
      await raw(server.url, "GET", "/api/v1/images/none/file"),
      await raw(server.url, "GET", "/robots.txt"),
    ];
    for (const answer of answers) {
      expect(answer.headers).toMatchObject(COMMON);
      expect(answer.headers["permissions-policy"]).toContain("camera=()");
      expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      // Plain HTTP from an untrusted peer: no HSTS.
      expect(answer.headers["strict-transport-security"]).toBeUndefined();
    }
  });

  it("pages get a policy with a fresh nonce that every script of the page carries, and no inline script without it", async () => {
    const nonces = new Set<string>();
    for (const path of ["/signin", "/no-such-page"]) {
      for (let i = 0; i < 2; i += 1) {
        const answer = await raw(server.url, "GET", path);
        const policy = String(answer.headers["content-security-policy"]);
        const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? "";
        expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
        expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
        const scripts = answer.body.match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length).toBeGreaterThan(0);
        for (const script of scripts) expect(script, path).toContain(`nonce="${nonce}"`);
        nonces.add(nonce);
      }
    }
    expect(nonces.size).toBe(4);
  });

  it("HSTS and Secure cookies only when a trusted proxy says the client came over HTTPS", async () => {
    const claimed = { "x-forwarded-proto": "https" };
    // The default server trusts no proxy: anyone can send X-Forwarded-Proto.
    expect((await raw(server.url, "GET", "/signin", claimed)).headers["strict-transport-security"]).toBeUndefined();
    const plain = await signInOverHttp(server.url, "demo@hangar.local", "hangar-demo", claimed);
    expect(plain.cookie).toMatch(/^next-auth\.session-token=/);
    expect(plain.setCookies.find((cookie) => cookie.startsWith("next-auth.session-token"))).not.toMatch(/;\s*Secure/i);

    const secured = await raw(trusting.url, "GET", "/signin", claimed);
    expect(secured.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(secured.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
    const secure = await signInOverHttp(trusting.url, "demo@hangar.local", "hangar-demo", claimed);
    expect(secure.cookie).toMatch(/^__Secure-next-auth\.session-token=/);
    expect(secure.setCookies.find((cookie) => cookie.startsWith("__Secure-next-auth.session-token"))).toMatch(/;\s*Secure/i);
    // The secure session works over the trusted proxy.
    const me = await fetch(`${trusting.url}/api/v1/me`, { headers: { ...claimed, cookie: secure.cookie ?? "" } });
    expect(me.status).toBe(200);
  });
});

describe("proxy.ts", () => {
  it("runs on pages only, never on the raw streaming routes (Next buffers a request's body for Proxy)", () => {
    const manifest = JSON.parse(fs.readFileSync(".next/server/functions-config-manifest.json", "utf8")) as {
      functions: Partial<Record<string, { matchers: { regexp: string }[] }>>;
    };
    const matchers = (manifest.functions["/_middleware"]?.matchers ?? []).map((matcher) => new RegExp(matcher.regexp));
    const runsOn = (path: string) => matchers.some((matcher) => matcher.test(path));
    expect(matchers.length).toBeGreaterThan(0);
    for (const path of ["/", "/images", "/images/some-id", "/admin", "/settings", "/signin", "/no-such-page"]) expect(runsOn(path), path).toBe(true);
    for (const path of [
      "/api/v1/uploads",
      "/api/v1/uploads/some-id",
      "/api/v1/images/some-id/file",
      "/images/some-id/download",
      "/api/v1/images",
      "/_next/static/chunks/a.js",
      "/robots.txt",
      "/favicon.ico",
    ])
      expect(runsOn(path), path).toBe(false);
  });
});

describe("the client's address", () => {
  const failTwentyOne = async (base: string, headers: (i: number) => Record<string, string>) => {
    for (let i = 0; i < 21; i += 1) await signInOverHttp(base, `nobody-${i}@hangar.local`, "wrong", headers(i));
  };

  it("is the peer's when no proxy is trusted: X-Forwarded-For and Hangar's own header are ignored", async () => {
    const local = await startHangarServer();
    try {
      await failTwentyOne(local.url, (i) => ({ "x-forwarded-for": `198.51.100.${i}`, "x-hangar-client-address": `192.0.2.${i}` }));
      const refused = await signInOverHttp(local.url, "demo@hangar.local", "hangar-demo", { "x-forwarded-for": "198.51.100.200" });
      expect(refused.error).toMatch(/^Too many failed sign-ins from your network address\. Try again in \d+ seconds?\.$/);
    } finally {
      await local.close();
    }
  });

  it("is the one a trusted proxy forwards, read from the right", async () => {
    await failTwentyOne(trusting.url, () => ({ "x-forwarded-for": "203.0.113.50" }));
    expect((await signInOverHttp(trusting.url, "demo@hangar.local", "hangar-demo", { "x-forwarded-for": "203.0.113.50" })).error).toMatch(/^Too many/);
    // Another client behind the same proxy is not affected, even if it claims the throttled address before its own.
    expect((await signInOverHttp(trusting.url, "demo@hangar.local", "hangar-demo", { "x-forwarded-for": "203.0.113.50, 203.0.113.51" })).cookie).toBeTruthy();
  });
});

describe("server action bodies", () => {
  const actionId = (name: string) => {
    const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
      node: Record<string, { exportedName?: string }>;
    };
    const id = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name)?.[0];
    if (!id) throw new Error(`no server action ${name} in the build`);
    return id;
  };

  it("malformed, oversized, chunked or lone-surrogate bodies get a 4xx with a message and write nothing", async () => {
    const cookie = (await signInOverHttp(server.url, "demo@hangar.local", "hangar-demo")).cookie ?? "";
    const create = actionId("createTokenAction");
    const rename = actionId("renameAction");
    const headers = (id: string, type = "text/plain;charset=UTF-8") => ({ cookie, "next-action": id, "content-type": type });
    const tokensBefore = await server.db.apiToken.count();
    const imagesBefore = await server.db.image.findMany({ select: { name: true } });
    const cases: [string, Record<string, string>, string, number, RegExp][] = [
      ["lone surrogate", headers(create), '[{"name":"x\\ud800y","expiresInDays":"7"}]', 400, /lone UTF-16 surrogate/],
      ["lone surrogate in a rename", headers(rename), '["someid","evil\\udfff"]', 400, /lone UTF-16 surrogate/],
      ["cut JSON", headers(create), '[{"name":', 400, /not valid JSON/],
      ["not the arguments list", headers(create), "null", 400, /list of its arguments/],
      ["a reference to a missing part", headers(create), '["$Q1"]', 400, /parts the body does not have/],
      ["a server reference", headers(create), '["$h1"]', 400, /parts the body does not have/],
      ["multipart garbage", headers(create, "multipart/form-data; boundary=xx"), "garbage", 400, /multipart/],
      ["not an action id", headers("0000"), "[]", 400, /does not name a server action/],
      ["1 MiB", headers(create), `["${"a".repeat(1024 * 1024)}"]`, 413, /at most 1024 KiB/],
    ];
    for (const [what, requestHeaders, body, status, message] of cases) {
      const answer = await raw(server.url, "POST", "/settings", requestHeaders, body);
      expect([answer.status, answer.body], what).toEqual([status, expect.stringMatching(message)]);
    }
    const chunked = await raw(server.url, "POST", "/settings", { ...headers(create), "transfer-encoding": "chunked" }, "[]");
    expect(chunked.status).toBe(411);
    expect(await server.db.apiToken.count()).toBe(tokensBefore);
    expect(await server.db.image.findMany({ select: { name: true } })).toEqual(imagesBefore);
  });

  it("logs each refusal as one line, without a stack", () => {
    const log = server.log();
    expect(log).toMatch(/refused server action on "\/settings" from 127\.0\.0\.1: 400/);
    expect(log).toMatch(/refused "TRACE" "\/api\/v1\/images" from 127\.0\.0\.1: 405/);
    expect(log).not.toMatch(/^\s+at /m);
    expect(log).not.toMatch(/⨯|digest:/);
  });
});

describe("lone surrogates in the API", () => {
  it("a PATCH with one in any string field is a 400 naming the field, and changes nothing", async () => {
    const id = await server.addImage({ owner: server.demo, name: "surrogate-target", visibility: "private" });
    const before = await server.db.image.findUniqueOrThrow({ where: { id } });
    for (const body of [
      '{"name":"a\\ud800"}',
      '{"description":"\\udc00"}',
      '{"osVersion":"12\\ud800"}',
      '{"properties":{"k":"\\ud800"}}',
      '{"properties":{"\\ud800":"v"}}',
    ]) {
      const answer = await fetch(`${server.url}/api/v1/images/${id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${demoToken}`, "content-type": "application/json" },
        body,
      });
      expect(answer.status, body).toBe(400);
      expect(((await answer.json()) as { error: { message: string } }).error.message, body).toMatch(/surrogate|not valid/);
    }
    expect(await server.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it("a sign-in with one, or with a body that is not JSON, is refused with a 4xx, not a 500", async () => {
    const { csrfToken, cookies } = await csrf(server.url);
    const cookie = cookies.join("; ");
    for (const body of [`{"csrfToken":"${csrfToken}","email":"demo@hangar.local\\ud800","password":"hangar-demo"}`, "{", '{"csrfToken":']) {
      const answer = await fetch(`${server.url}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/json", cookie },
        body,
      });
      expect([400, 401, 302], body).toContain(answer.status);
      expect(
        answer.headers.getSetCookie().some((entry) => entry.includes("session-token=e")),
        body,
      ).toBe(false);
    }
  });
});
