import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, actorOf } from "../auth/actor";
import { endSession } from "../auth/sessions";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";
import { storedBytes } from "../testing/stored";

// The tus protocol against the running production server, as any tus client speaks it.
let hangar: HangarProcess;
beforeAll(async () => {
  hangar = await launchHangar({ HANGAR_MAX_IMAGE_SIZE: "8GiB", HANGAR_USER_QUOTA: "10GiB" });
});
afterAll(async () => {
  await hangar.close();
});

const TUS = { "tus-resumable": "1.0.0" };
const metadata = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");

async function as(actor: Actor | null): Promise<Record<string, string>> {
  return actor ? { ...TUS, cookie: await hangar.cookie(actor) } : { ...TUS };
}

async function create(actor: Actor | null, length: number, values: Record<string, string>) {
  return fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: { ...(await as(actor)), "upload-length": String(length), "upload-metadata": metadata(values) },
  });
}

async function created(actor: Actor, length: number, values: Record<string, string>): Promise<{ url: string; id: string; imageId: string }> {
  const response = await create(actor, length, values);
  expect(response.status, await response.clone().text()).toBe(201);
  const location = response.headers.get("location") ?? "";
  return { url: new URL(location, hangar.url).toString(), id: location.split("/").pop() ?? "", imageId: response.headers.get("hangar-image-id") ?? "" };
}

async function patch(actor: Actor | null, url: string, offset: number, body: Buffer) {
  return fetch(url, {
    method: "PATCH",
    headers: { ...(await as(actor)), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
    body: new Uint8Array(body),
  });
}

/** The bytes the server's upload area holds of upload `id` (a file, or S3 parts), null when nothing. */
const staged = (id: string) => hangar.storage.stagedSize(id);

describe("the tus endpoint", () => {
  it("advertises version, extensions and maximum size on OPTIONS", async () => {
    const response = await fetch(`${hangar.url}/api/v1/uploads`, { method: "OPTIONS" });
    expect(response.status).toBe(204);
    expect(response.headers.get("tus-version")).toBe("1.0.0");
    expect(response.headers.get("tus-extension")?.split(",")).toEqual(["creation", "creation-with-upload", "termination", "expiration"]);
    expect(response.headers.get("tus-max-size")).toBe(String(8 * 1024 ** 3));
  });

  it("answers 401 to a creation without a session, and creates nothing", async () => {
    const response = await create(null, 1024, { name: "anonymous" });
    expect(response.status).toBe(401);
    expect(response.headers.get("tus-resumable")).toBe("1.0.0");
    expect(await hangar.db.image.count({ where: { name: "anonymous" } })).toBe(0);
  });

  it("answers 413 with a readable message over the maximum size and over the quota", async () => {
    const tooBig = await create(hangar.demo, 9 * 1024 ** 3, { name: "too-big" });
    expect([tooBig.status, await tooBig.json()]).toEqual([
      413,
      { error: { code: "too_large", message: "This file is 9 GiB; Hangar accepts images up to 8 GiB." } },
    ]);
    // An upload in progress counts at its declared length.
    const reserved = await created(hangar.demo, 6 * 1024 ** 3, { name: "six-gib" });
    const overQuota = await create(hangar.demo, 5 * 1024 ** 3, { name: "over-quota" });
    expect(overQuota.status).toBe(413);
    const refusal = (await overQuota.json()) as { error: { code: string; message: string } };
    expect(refusal.error.code).toBe("quota_exceeded");
    expect(refusal.error.message).toMatch(/^This image needs 5 GiB, but only 4 GiB of your 10 GiB quota is left \(6 GiB used\)\./);
    await fetch(reserved.url, { method: "DELETE", headers: await as(hangar.demo) });
    expect(await hangar.db.image.count({ where: { name: { in: ["too-big", "over-quota"] } } })).toBe(0);
  });

  it("refuses a platform upload from a non-admin with 403, and takes it from an admin", async () => {
    expect((await create(hangar.demo, 10, { name: "sneaky", visibility: "platform" })).status).toBe(403);
    const upload = await created(hangar.admin, 10, { name: "curated", visibility: "platform" });
    expect((await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } })).visibility).toBe("platform");
  });

  it("creates an upload at a random URL with the image reserved, and its expiry", async () => {
    const upload = await created(hangar.demo, 100, { filename: "debian-12-genericcloud-amd64.qcow2" });
    expect(upload.id).toMatch(/^[0-9a-f]{32}$/);
    const image = await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } });
    expect([image.name, image.status, image.createdById]).toEqual(["debian-12-genericcloud-amd64", "uploading", hangar.demo.id]);
    const head = await fetch(upload.url, { method: "HEAD", headers: await as(hangar.demo) });
    expect([head.status, head.headers.get("upload-offset"), head.headers.get("upload-length")]).toEqual([200, "0", "100"]);
    const expires = Date.parse(head.headers.get("upload-expires") ?? "");
    expect(expires - Date.now()).toBeGreaterThan(23 * 3_600_000);
  });

  it("answers 409 to a PATCH at the wrong offset and leaves the bytes received unchanged", async () => {
    const upload = await created(hangar.demo, 1000, { name: "offsets" });
    expect((await patch(hangar.demo, upload.url, 0, randomBytes(300))).status).toBe(204);
    const before = await hangar.storage.stagedFingerprint(upload.id);
    const wrong = await patch(hangar.demo, upload.url, 100, randomBytes(300));
    expect(wrong.status).toBe(409);
    expect([await staged(upload.id), await hangar.storage.stagedFingerprint(upload.id)]).toEqual([300, before]);
    const head = await fetch(upload.url, { method: "HEAD", headers: await as(hangar.demo) });
    expect(head.headers.get("upload-offset")).toBe("300");
  });

  it("answers 404 to another user's HEAD, PATCH, GET and DELETE, and 401 without a session; the upload is untouched", async () => {
    const upload = await created(hangar.demo, 1000, { name: "private-upload" });
    await patch(hangar.demo, upload.url, 0, randomBytes(100));
    for (const actor of [hangar.other, hangar.admin]) {
      expect((await fetch(upload.url, { method: "HEAD", headers: await as(actor) })).status).toBe(404);
      expect((await fetch(upload.url, { headers: await as(actor) })).status).toBe(404);
      expect((await patch(actor, upload.url, 100, randomBytes(100))).status).toBe(404);
      expect((await fetch(upload.url, { method: "DELETE", headers: await as(actor) })).status).toBe(404);
    }
    expect((await fetch(upload.url, { method: "HEAD", headers: await as(null) })).status).toBe(401);
    expect((await patch(null, upload.url, 100, randomBytes(100))).status).toBe(401);
    expect((await fetch(upload.url, { method: "DELETE", headers: await as(null) })).status).toBe(401);
    expect(await staged(upload.id)).toBe(100);
    expect(await hangar.db.image.count({ where: { id: upload.imageId } })).toBe(1);
  });

  it("answers GET with the upload's state, never its bytes", async () => {
    const bytes = Buffer.from("x".repeat(64) + "THE-BYTES-OF-THE-IMAGE");
    const upload = await created(hangar.demo, bytes.length + 10, { name: "get-me", filename: "get-me.raw" });
    await patch(hangar.demo, upload.url, 0, bytes);
    const response = await fetch(upload.url, { headers: await as(hangar.demo) });
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = await response.text();
    expect(body).not.toContain("THE-BYTES-OF-THE-IMAGE");
    expect(JSON.parse(body)).toMatchObject({ id: upload.id, imageId: upload.imageId, fileName: "get-me.raw", length: bytes.length + 10, offset: bytes.length });
    const list = (await (await fetch(`${hangar.url}/api/v1/uploads`, { headers: await as(hangar.demo) })).json()) as { id: string }[];
    expect(list.map((item) => item.id)).toContain(upload.id);
    const others: unknown = await (await fetch(`${hangar.url}/api/v1/uploads`, { headers: await as(hangar.other) })).json();
    expect(others).toEqual([]);
  });

  it("terminates with DELETE: the bytes received and the waiting image are removed", async () => {
    const upload = await created(hangar.demo, 1000, { name: "terminated" });
    await patch(hangar.demo, upload.url, 0, randomBytes(500));
    expect(await staged(upload.id)).toBe(500);
    expect((await fetch(upload.url, { method: "DELETE", headers: await as(hangar.demo) })).status).toBe(204);
    expect(await staged(upload.id)).toBeNull();
    expect(await hangar.db.image.count({ where: { id: upload.imageId } })).toBe(0);
    expect((await fetch(upload.url, { method: "HEAD", headers: await as(hangar.demo) })).status).toBe(404);
  });

  it("answers HEAD on a finished upload as complete, naming its image; refuses a further PATCH with the offset, and termination", async () => {
    const bytes = randomBytes(4096);
    const upload = await created(hangar.demo, bytes.length, { name: "complete" });
    expect((await patch(hangar.demo, upload.url, 0, bytes)).status).toBe(204);
    const head = await fetch(upload.url, { method: "HEAD", headers: await as(hangar.demo) });
    expect([head.status, head.headers.get("upload-offset"), head.headers.get("upload-length"), head.headers.get("hangar-image-id")]).toEqual([
      200,
      String(bytes.length),
      String(bytes.length),
      upload.imageId,
    ]);
    const again = await patch(hangar.demo, upload.url, bytes.length, Buffer.alloc(0));
    expect([again.status, again.headers.get("upload-offset"), ((await again.json()) as { error: { code: string } }).error.code]).toEqual([
      409,
      String(bytes.length),
      "conflict",
    ]);
    expect((await fetch(upload.url, { method: "DELETE", headers: await as(hangar.demo) })).status).toBe(400);
    expect(await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } })).toMatchObject({ fileSize: BigInt(bytes.length) });
    const unfinished = (await (await fetch(`${hangar.url}/api/v1/uploads`, { headers: await as(hangar.demo) })).json()) as { id: string }[];
    expect(unfinished.map((entry) => entry.id)).not.toContain(upload.id);
  });

  it("puts no file outside the data directory, nor any name of its own in storage, for path-like names in Upload-Metadata", async () => {
    const outside = path.dirname(hangar.dataDir);
    const before = new Set(fs.readdirSync(outside));
    const names = { name: "../../../../escape", filename: "../../../../../tmp/escape.qcow2", properties: JSON.stringify({ path: "/etc/passwd" }) };
    const upload = await created(hangar.demo, 16, names);
    await patch(hangar.demo, upload.url, 0, Buffer.from("0123456789abcdef"));
    // The parent may be the shared temp folder, where other runs come and go: only what these names would make counts.
    expect(fs.readdirSync(outside).filter((name) => !before.has(name) && name.includes("escape"))).toEqual([]);
    expect((await hangar.storage.names()).filter((name) => name.includes("escape"))).toEqual([]);
    const image = await hangar.db.image.findUniqueOrThrow({ where: { id: upload.imageId } });
    expect(image.name).toBe("../../../../escape");
    expect((await storedBytes(hangar.storage.images, image.storageKey)).toString()).toBe("0123456789abcdef");
  });

  it("finishes on the last byte: the validated image carries the SHA-256 of the bytes, and a declared checksum that differs rejects it", async () => {
    const bytes = randomBytes(256 * 1024);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const good = await created(hangar.demo, bytes.length, { name: "checked", sha256 });
    const last = await patch(hangar.demo, good.url, 0, bytes);
    expect([last.status, last.headers.get("upload-offset"), last.headers.get("hangar-image-id")]).toEqual([204, String(bytes.length), good.imageId]);
    // Validation records the checksum, which the hash behind the writes has by then.
    await expect
      .poll(async () => (await hangar.db.image.findUniqueOrThrow({ where: { id: good.imageId } })).status, { timeout: 20_000 })
      .toMatch(/ready|rejected/);
    const image = await hangar.db.image.findUniqueOrThrow({ where: { id: good.imageId } });
    expect([image.sha256, Number(image.fileSize)]).toEqual([sha256, bytes.length]);
    expect(await staged(good.id)).toBeNull();

    const bad = await created(hangar.demo, bytes.length, { name: "tampered", sha256: "0".repeat(64) });
    await patch(hangar.demo, bad.url, 0, bytes);
    await expect.poll(async () => (await hangar.db.image.findUniqueOrThrow({ where: { id: bad.imageId } })).status, { timeout: 20_000 }).toBe("rejected");
    const report = JSON.parse((await hangar.db.image.findUniqueOrThrow({ where: { id: bad.imageId } })).report ?? "{}") as { checks: unknown[] };
    expect(report.checks[0]).toMatchObject({ id: "upload.checksum", code: "upload.checksum_mismatch", status: "fail" });
  });
});

// A node keeps the session ids it decrypted from cookies (lib/auth/cookie-cache.ts), never the sessions or the uploads
// themselves: what ends a session, disables an account or deletes an image stops the very next PATCH.
describe("between two PATCHes of one upload", () => {
  const withCookie = (cookie: string) => ({ ...TUS, cookie, "content-type": "application/offset+octet-stream" });
  const patchWith = (cookie: string, url: string, offset: number) =>
    fetch(url, { method: "PATCH", headers: { ...withCookie(cookie), "upload-offset": String(offset) }, body: new Uint8Array(8) });
  const createWith = async (cookie: string, name: string) => {
    const response = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie, "upload-length": "64", "upload-metadata": metadata({ name }) },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return { url: new URL(response.headers.get("location") ?? "", hangar.url).toString(), imageId: response.headers.get("hangar-image-id") ?? "" };
  };

  it("a signed-out session's cookie is refused with 401 at the next PATCH, and the upload keeps its offset", async () => {
    const { sid, cookie } = await hangar.session(hangar.demo);
    const upload = await createWith(cookie, "signed-out-between");
    expect((await patchWith(cookie, upload.url, 0)).status).toBe(204);
    await endSession(hangar.db, sid);
    expect((await patchWith(cookie, upload.url, 8)).status).toBe(401);
    const head = await fetch(upload.url, { method: "HEAD", headers: await as(hangar.demo) });
    expect(head.headers.get("upload-offset")).toBe("8");
  });

  it("a disabled account's cookie is refused with 401 at the next PATCH", async () => {
    const user = await hangar.db.user.create({ data: { email: "disabled-between@test", name: "Disabled Between" } });
    const cookie = await hangar.cookie(actorOf(user));
    const upload = await createWith(cookie, "disabled-between");
    expect((await patchWith(cookie, upload.url, 0)).status).toBe(204);
    await hangar.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await patchWith(cookie, upload.url, 8)).status).toBe(401);
  });

  it("after its image is deleted the next PATCH is refused with 404, and writes nothing", async () => {
    const cookie = await hangar.cookie(hangar.demo);
    const upload = await createWith(cookie, "deleted-between");
    expect((await patchWith(cookie, upload.url, 0)).status).toBe(204);
    expect((await fetch(`${hangar.url}/api/v1/images/${upload.imageId}`, { method: "DELETE", headers: { cookie } })).status).toBe(204);
    expect((await patchWith(cookie, upload.url, 8)).status).toBe(404);
    // The first PATCH's 8 bytes at most: left for the housekeeping job's orphans (lib/uploads/expiry.ts), or gone.
    expect([8, null]).toContain(await staged(upload.url.split("/").pop() ?? ""));
  });
});
