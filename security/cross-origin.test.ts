import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInOverHttp } from "../lib/testing/browser-session";
import { type HangarServer, startHangarServer } from "../lib/testing/hangar-server";
import { callAction } from "../lib/testing/server-actions";

// Cross-site request forgery: a page on another origin makes the signed-in user's browser send a request to
// Hangar with the user's cookie. The session cookie is SameSite=Lax, so a cross-site browser leaves it out; these
// tests send it anyway, as a browser on a sibling origin (same site, another host or port) would, and as a
// browser without SameSite support would. Framing is e2e/framing.spec.ts (a real browser must refuse to render).
const FOREIGN = "https://evil.example";
let server: HangarServer;
let cookie: string;
let imageId: string;

beforeAll(async () => {
  server = await startHangarServer();
  const signedIn = await signInOverHttp(server.url, "demo@hangar.local", "hangar-demo");
  if (!signedIn.cookie) throw new Error(`sign-in failed: ${signedIn.error}`);
  cookie = signedIn.cookie;
  imageId = await server.addImage({ owner: server.demo, name: "mine", visibility: "private" });
});
afterAll(async () => {
  await server.close();
});

const imageName = async () => (await server.db.image.findUniqueOrThrow({ where: { id: imageId } })).name;

describe("server actions", () => {
  it("from the portal's own origin, rename the image (the control)", async () => {
    const answer = await callAction(server.url, "/images", "renameAction", [imageId, "renamed-here"], { cookie, origin: server.url });
    expect(answer.status).toBe(200);
    expect(await imageName()).toBe("renamed-here");
  });

  it("from a foreign origin, with the user's cookie, are refused with a 4xx and change nothing", async () => {
    const answer = await callAction(server.url, "/images", "renameAction", [imageId, "renamed-by-evil"], { cookie, origin: FOREIGN });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(await imageName()).toBe("renamed-here");
  });
});

describe("the tus endpoint with cookie authentication", () => {
  const tus = (headers: Record<string, string>) => ({ cookie, "tus-resumable": "1.0.0", ...headers });
  const uploads = () => server.db.upload.count();

  it("from a foreign origin refuses to create an upload, and creates nothing", async () => {
    const before = { uploads: await uploads(), images: await server.db.image.count() };
    const answer = await fetch(`${server.url}/api/v1/uploads`, {
      method: "POST",
      headers: tus({ origin: FOREIGN, "upload-length": "4096", "upload-metadata": `name ${Buffer.from("planted").toString("base64")}` }),
    });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/another site/);
    expect({ uploads: await uploads(), images: await server.db.image.count() }).toEqual(before);
  });

  it("from a foreign origin refuses to write to the user's upload, which keeps its offset", async () => {
    const created = await fetch(`${server.url}/api/v1/uploads`, {
      method: "POST",
      headers: tus({ origin: server.url, "upload-length": "4096", "upload-metadata": `name ${Buffer.from("honest").toString("base64")}` }),
    });
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location") ?? "", server.url).toString();
    const patched = await fetch(location, {
      method: "PATCH",
      headers: tus({ origin: FOREIGN, "upload-offset": "0", "content-type": "application/offset+octet-stream" }),
      body: new Uint8Array(1024).fill(1),
    });
    expect(patched.status).toBe(403);
    const head = await fetch(location, { method: "HEAD", headers: tus({}) });
    expect(head.headers.get("upload-offset")).toBe("0");
  });

  it("grants no foreign origin in a preflight", async () => {
    const answer = await fetch(`${server.url}/api/v1/uploads`, {
      method: "OPTIONS",
      headers: { origin: FOREIGN, "access-control-request-method": "POST", "access-control-request-headers": "tus-resumable,upload-length" },
    });
    expect([FOREIGN, "*"]).not.toContain(answer.headers.get("access-control-allow-origin"));
  });

  it("a bearer token (the CLI, scripts) is not a browser's credential: it works whatever the Origin says", async () => {
    const { secret } = await server.token(server.demo);
    const answer = await fetch(`${server.url}/api/v1/uploads`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "tus-resumable": "1.0.0",
        origin: FOREIGN,
        "upload-length": "4096",
        "upload-metadata": `name ${Buffer.from("scripted").toString("base64")}`,
      },
    });
    expect(answer.status).toBe(201);
  });
});
