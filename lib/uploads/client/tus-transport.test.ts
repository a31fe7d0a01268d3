import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { nameColumns } from "../../catalog/image-name";
import { ensurePersonalProject } from "../../projects/personal";
import type { ImageProgress } from "../../catalog/progress";
import { type HangarProcess, launchHangar } from "../../testing/hangar-process";
import { UPLOAD_PATH } from "../protocol";
import { IMAGE_PROGRESS_PATH } from "./api";
import { LiveStatus } from "./live-status";
import { tusTransport } from "./tus-transport";
import { UploadManager } from "./upload-manager";

// The UploadManager with the real transport (tus-js-client) against a production Hangar: what the
// browser does, in Node. tus-js-client's Node build reads Buffers and streams, not Blobs, so the
// test gives it a reader of Blob slices; everything else is the browser's code.

const MiB = 1024 * 1024;
let hangar: HangarProcess;
let cookie: string;

beforeAll(async () => {
  hangar = await launchHangar({ HANGAR_USER_QUOTA: "none" });
  cookie = await hangar.cookie(hangar.demo);
});
afterAll(async () => {
  await hangar.close();
});

const blobReader: tus.UploadOptions["fileReader"] = {
  openFile: (input: Blob) =>
    Promise.resolve({
      size: input.size,
      close: () => undefined,
      slice: async (start: number, end: number) => {
        const bytes = Buffer.from(await input.slice(start, end).arrayBuffer());
        return { value: Object.assign(bytes, { size: bytes.length }), done: end >= input.size };
      },
    }),
};

/**
 * blobReader, except that the bytes of a request after the first one wait, past their first MiB,
 * until `release()`: an upload held in the middle of its second request, however fast or loaded the
 * machine, so that a pause finds it there with the first request's bytes on the server. `held`
 * resolves when it waits.
 */
function heldReader(): { reader: tus.UploadOptions["fileReader"]; held: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  let hold: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = new Promise<void>((resolve) => {
    hold = resolve;
  });
  async function* bytes(input: Blob, start: number, end: number) {
    const head = Math.min(end, start + MiB);
    yield Buffer.from(await input.slice(start, head).arrayBuffer());
    if (start > 0) {
      hold();
      await released;
    }
    for (let at = head; at < end; at += 4 * MiB) yield Buffer.from(await input.slice(at, Math.min(end, at + 4 * MiB)).arrayBuffer());
  }
  const reader = {
    openFile: (input: Blob) =>
      Promise.resolve({
        size: input.size,
        close: () => undefined,
        slice: (start: number, end: number) =>
          Promise.resolve({
            value: Object.assign(Readable.from(bytes(input, start, end), { objectMode: false }), { size: end - start }),
            done: end >= input.size,
          }),
      }),
  };
  return { reader, held, release };
}

/** A manager as UploadRoot makes one, pointed at `endpoint` (Hangar, or a proxy in front of it). */
function client(endpoint = `${hangar.url}${UPLOAD_PATH}`, fileReader = blobReader) {
  const live = new LiveStatus({
    fetchProgress: async (ids) => {
      const response = await fetch(`${hangar.url}${IMAGE_PROGRESS_PATH}?ids=${ids.join(",")}`, { headers: { cookie } });
      return response.ok ? ((await response.json()) as ImageProgress[]) : null;
    },
  });
  const manager = new UploadManager({ transport: tusTransport({ endpoint, headers: { cookie }, fileReader, online: () => true }), live });
  // Every state the upload went through, in order.
  const states: string[] = [];
  manager.subscribe(() => {
    const name = manager.getSnapshot().at(0)?.state.name;
    if (name && states.at(-1) !== name) states.push(name);
  });
  return { manager, live, states, task: () => manager.getSnapshot().at(0) };
}

function randomFile(name: string, size: number): File {
  return new File([randomBytes(size)], name);
}

const sha256 = async (file: Blob) =>
  createHash("sha256")
    .update(Buffer.from(await file.arrayBuffer()))
    .digest("hex");
const named = () => `transport-${randomBytes(3).toString("hex")}`;
const start = (file: File, name: string) => ({ file, name, visibility: "private" as const, metadata: { name, filename: file.name }, resumeUrl: null });

describe("UploadManager over tus-js-client, against Hangar", () => {
  it("uploads, then follows validation to its verdict; the server has the exact bytes", async () => {
    const { manager, live, states, task } = client();
    const file = randomFile("random.raw", 24 * MiB + 123);
    const name = named();
    expect(await manager.start(start(file, name))).toEqual({ ok: true });
    await vi.waitUntil(() => task()?.state.name === "rejected", { timeout: 60_000, interval: 100 });
    expect(states).toEqual(["creating", "uploading", "validating", "rejected"]);
    const image = await hangar.db.image.findFirstOrThrow({ where: { name } });
    expect([image.id, image.sha256, Number(image.fileSize)]).toEqual([task()?.imageId, await sha256(file), file.size]);
    live.dispose();
  });

  it("refused at creation: the server's message, and nothing listed", async () => {
    const { manager } = client();
    const name = named();
    const demoProject = (await ensurePersonalProject(hangar.db, hangar.demo)).id;
    await hangar.db.image.create({
      data: { ...nameColumns(name, "private", demoProject), visibility: "private", projectId: demoProject, createdById: hangar.demo.id, status: "ready" },
    });
    const result = await manager.start(start(randomFile("taken.raw", MiB), name));
    expect(result.ok ? "" : result.message).toMatch(/already/i);
    expect(manager.getSnapshot()).toEqual([]);
  });

  it("pauses and resumes mid-upload, continuing from the server's offset", async () => {
    const held = heldReader();
    const { manager, live, states, task } = client(undefined, held.reader);
    const file = randomFile("paused.raw", 48 * MiB);
    const name = named();
    await manager.start(start(file, name));
    await held.held;
    manager.pause(task()?.key ?? "");
    const upload = await hangar.db.upload.findFirstOrThrow({ where: { image: { name } } });
    // The server keeps what the cut request brought: its offset (tus HEAD) moves past 0.
    const offset = async () =>
      Number(
        (await fetch(`${hangar.url}${UPLOAD_PATH}/${upload.id}`, { method: "HEAD", headers: { cookie, "tus-resumable": "1.0.0" } })).headers.get(
          "upload-offset",
        ),
      );
    await vi.waitUntil(async () => (await offset()) > 0, { timeout: 10_000, interval: 100 });
    held.release();
    manager.resume(task()?.key ?? "");
    await vi.waitUntil(() => ["validating", "rejected"].includes(task()?.state.name ?? ""), { timeout: 60_000, interval: 50 });
    expect(states.slice(0, 4)).toEqual(["creating", "uploading", "paused", "uploading"]);
    expect(task()?.resumedFrom).toBeGreaterThan(0);
    await vi.waitUntil(async () => (await hangar.db.image.findFirst({ where: { name } }))?.sha256 !== null, { timeout: 30_000 });
    expect((await hangar.db.image.findFirstOrThrow({ where: { name } })).sha256).toBe(await sha256(file));
    live.dispose();
  });

  it("behind a proxy that refuses large requests (413), sends smaller PATCH requests instead", async () => {
    const limit = 6 * MiB;
    const patches: number[] = [];
    // Reads every body (so that the client hears the answer), refuses a PATCH over the limit, passes the rest on.
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (req.method === "PATCH") patches.push(body.length);
        if (req.method === "PATCH" && body.length > limit) {
          res.writeHead(413, { "content-type": "text/plain" });
          res.end("Request Entity Too Large");
          return;
        }
        const target = new URL(req.url ?? "/", hangar.url);
        const forward = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
          const headers = { ...answer.headers };
          // Locations point back at the proxy: relative, as Hangar sends them.
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
        });
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const { manager, live, task } = client(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}${UPLOAD_PATH}`);
      const file = randomFile("proxied.raw", 40 * MiB);
      const name = named();
      await manager.start(start(file, name));
      await vi.waitUntil(() => ["validating", "rejected"].includes(task()?.state.name ?? ""), { timeout: 60_000, interval: 50 });
      // The first PATCH (16 MiB) is refused, then 8 MiB ones are too, then 4 MiB ones pass.
      expect(patches.slice(0, 3)).toEqual([16 * MiB, 8 * MiB, 4 * MiB]);
      expect(patches.slice(2).every((size) => size <= limit)).toBe(true);
      await vi.waitUntil(async () => (await hangar.db.image.findFirst({ where: { name } }))?.sha256 !== null, { timeout: 30_000 });
      expect((await hangar.db.image.findFirstOrThrow({ where: { name } })).sha256).toBe(await sha256(file));
      live.dispose();
    } finally {
      proxy.close();
    }
  });

  it("rides out a server restart: reconnecting, then on from where the server stopped", async () => {
    const held = heldReader();
    const { manager, live, states, task } = client(undefined, held.reader);
    const file = randomFile("restart.raw", 64 * MiB);
    const name = named();
    await manager.start(start(file, name));
    await held.held;
    await hangar.kill("SIGKILL");
    await vi.waitUntil(() => task()?.state.name === "reconnecting", { timeout: 30_000, interval: 20 });
    held.release();
    await hangar.restart();
    await vi.waitUntil(() => ["validating", "rejected"].includes(task()?.state.name ?? ""), { timeout: 120_000, interval: 50 });
    expect(states).toContain("reconnecting");
    expect(states.indexOf("uploading", states.indexOf("reconnecting"))).toBeGreaterThan(0);
    await vi.waitUntil(async () => (await hangar.db.image.findFirst({ where: { name } }))?.sha256 !== null, { timeout: 60_000 });
    expect((await hangar.db.image.findFirstOrThrow({ where: { name } })).sha256).toBe(await sha256(file));
    live.dispose();
  });
});
