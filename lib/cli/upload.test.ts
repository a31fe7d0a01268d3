import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { freePort } from "../testing/hangar-process";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";
import { UNFINISHED } from "../uploads/access";
import { runCli, startCli } from "../testing/run-cli";
import { EXIT } from "./exit-codes";

// `hangar upload` as a child process against the running production server, interrupted and resumed,
// then the uploaded image through the rest of its life: wait, rename, set, download, delete.
// Most files here are random bytes, which the local check refuses (no guest inside), so the
// tests about the transfer pass --no-precheck.

const formats = fixtureFamily("formats");
const SIZE = 48 << 20;
let server: HangarServer;
let home: string;
let work: string;
let token: string;
let image: Buffer;
let imageFile: string;

const env = () => ({ XDG_CONFIG_HOME: path.join(home, "config"), XDG_STATE_HOME: path.join(home, "state") });
const hangar = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, { env: { ...env(), ...extra }, cwd: work });
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The offset the server holds for the demo user's only unfinished upload (tus HEAD). */
async function serverOffset(): Promise<number> {
  const row = await server.db.upload.findFirst({ where: { ...UNFINISHED, userId: server.demo.id }, orderBy: { createdAt: "desc" } });
  if (!row) return 0;
  const head = await fetch(`${server.url}/api/v1/uploads/${row.id}`, {
    method: "HEAD",
    headers: { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" },
  });
  return Number(head.headers.get("upload-offset") ?? 0);
}

/** A TCP proxy in front of the server whose network can be cut: open connections dropped, new ones refused for a while. */
async function flakyProxy(target: URL) {
  let down = false;
  const open = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    client.on("error", () => {});
    if (down) return client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    upstream.on("error", () => {});
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    async cut(milliseconds: number) {
      down = true;
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, milliseconds));
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

/** Runs an upload and stops it with `signal` once the server holds `fraction` of the file. */
async function interruptedUpload(args: string[], fraction: number, signal: NodeJS.Signals) {
  const run = startCli(args, { env: env(), cwd: work });
  const deadline = Date.now() + 60_000;
  while ((await serverOffset()) < SIZE * fraction && Date.now() < deadline && run.child.exitCode === null)
    await new Promise((resolve) => setTimeout(resolve, 50));
  run.child.kill(signal);
  const result = await run.done;
  return { result, offset: await serverOffset() };
}

beforeAll(async () => {
  server = await startHangarServer();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-upload-home-"));
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-upload-work-"));
  token = (await server.token(server.demo, { name: "upload test" })).secret;
  // A raw disk of random sectors: a valid format, and incompressible so every byte crosses the wire.
  image = randomBytes(SIZE);
  imageFile = path.join(work, "generated.raw");
  fs.writeFileSync(imageFile, image);
  const login = await hangar(["login", "--url", server.url, "--token", token]);
  expect(login.code, login.stderr).toBe(0);
});
afterAll(async () => {
  await server.close();
  for (const dir of [home, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("upload", () => {
  it("refuses a file Hangar would reject before sending a byte, unless --no-precheck", async () => {
    const text = path.join(work, "notes.txt");
    fs.writeFileSync(text, "not a disk image\n");
    const refused = await hangar(["upload", text, "--name", "notes"]);
    expect(refused.code).toBe(EXIT.failed);
    expect(refused.stderr).toMatch(/format\.integrity/);
    expect(refused.stderr).toMatch(/nothing was sent/);
    expect(await server.db.image.findFirst({ where: { name: "notes" } })).toBeNull();
    expect(await server.db.upload.count({ where: UNFINISHED })).toBe(0);

    // A valid raw format with no system inside: only the guest checks, which the server runs too, refuse it.
    const noGuest = path.join(work, "no-guest.raw");
    fs.writeFileSync(noGuest, randomBytes(2 << 20));
    const guestRefused = await hangar(["upload", noGuest, "--name", "no-guest"]);
    expect(guestRefused.code, guestRefused.stderr).toBe(EXIT.failed);
    expect(guestRefused.stderr).toMatch(/Checking no-guest\.raw as Hangar will/);
    expect(guestRefused.stderr).toMatch(/guest\.os/);
    expect(guestRefused.stderr).toMatch(/nothing was sent/);
    expect(await server.db.image.findFirst({ where: { name: "no-guest" } })).toBeNull();
    expect(await server.db.upload.count({ where: UNFINISHED })).toBe(0);

    const sent = await hangar(["upload", noGuest, "--name", "no-guest", "--no-precheck", "--wait"]);
    expect(sent.stderr).not.toMatch(/Checking no-guest/);
    expect(sent.code, sent.stderr).toBe(EXIT.failed);
    expect(sent.stderr).toMatch(/Hangar rejected no-guest/);
    const stored = await server.db.image.findFirstOrThrow({ where: { name: "no-guest" } });
    expect(stored).toMatchObject({ status: "rejected", sha256: sha256(fs.readFileSync(noGuest)) });
  });

  it("sends a VHD after saying that the server converts it, and the server does", async () => {
    const vhd = path.join(work, "legacy-server.vhd");
    fs.copyFileSync(formats.file("vhd-dynamic.vhd"), vhd);
    const sent = await hangar(["upload", vhd, "--name", "legacy-server", "--wait"]);
    expect(sent.stderr).toMatch(/Local check: VHD \(dynamic\).*Hangar converts it on the server/);
    expect(sent.stderr).not.toMatch(/nothing was sent/);
    // Converted, then judged on its guest: the fixture holds no system.
    const stored = await server.db.image.findFirstOrThrow({ where: { name: "legacy-server" }, include: { disk: true } });
    expect([stored.diskFormat, stored.disk?.originalFormat]).toEqual(["qcow2", "vhd"]);
    expect(stored.report).toContain("Converted from VHD (dynamic)");
  });

  it("fails at once (exit 7) when nothing listens at the server's address, instead of reconnecting for minutes", async () => {
    const small = path.join(work, "unsent.raw");
    fs.writeFileSync(small, randomBytes(1 << 20));
    const started = Date.now();
    const result = await hangar(["upload", small, "--name", "unsent", "--no-precheck"], { HANGAR_URL: `http://127.0.0.1:${await freePort()}` });
    expect(result.code, result.stderr).toBe(EXIT.unavailable);
    expect(result.stderr).toMatch(/Cannot reach Hangar at .*: ECONNREFUSED\./);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("off a terminal, says once that it lost the connection and once that it reconnected, and completes", async () => {
    const file = path.join(work, "flaky.raw");
    const bytes = randomBytes(16 << 20);
    fs.writeFileSync(file, bytes);
    const proxy = await flakyProxy(new URL(server.url));
    try {
      const run = startCli(["upload", file, "--name", "flaky", "--no-precheck", "--chunk-size", "8M", "--limit-rate", "4M", "--json"], {
        env: { ...env(), HANGAR_URL: proxy.url },
        cwd: work,
      });
      const deadline = Date.now() + 30_000;
      while ((await serverOffset()) < 2 << 20 && Date.now() < deadline && run.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
      // Down long enough for the first two attempts (after 0 s and 1 s) to fail too.
      await proxy.cut(2500);
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr.match(/The connection to Hangar was lost .*; reconnecting for up to \d+ minutes/g)).toHaveLength(1);
      expect(result.stderr.match(/^Reconnected; the upload continues from /gm)).toHaveLength(1);
      expect(result.stderr.indexOf("was lost")).toBeLessThan(result.stderr.indexOf("Reconnected"));
      expect((JSON.parse(result.stdout) as { sha256: string }).sha256).toBe(sha256(bytes));
    } finally {
      await proxy.close();
    }
  });

  it("is refused with a revoked token (exit 3), and over a name already taken (exit 5), leaving nothing behind", async () => {
    const revoked = await server.token(server.demo, { name: "revoked" });
    await server.db.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const small = path.join(work, "small.raw");
    fs.writeFileSync(small, randomBytes(1 << 20));
    const unauthenticated = await hangar(["upload", small, "--name", "small", "--no-precheck"], { HANGAR_TOKEN: revoked.secret });
    expect(unauthenticated.code, unauthenticated.stderr).toBe(EXIT.auth);
    await server.addImage({ owner: server.demo, name: "taken", visibility: "private" });
    const conflict = await hangar(["upload", small, "--name", "taken", "--no-precheck"]);
    expect(conflict.code, conflict.stderr).toBe(EXIT.rejected);
    expect(conflict.stderr).toMatch(/already have an image named "taken"/);
    expect(await server.db.upload.count({ where: UNFINISHED })).toBe(0);
  });

  let imageId: string;

  it("resumes after Ctrl-C half way: the second run sends about half the bytes, and the sha256 matches", async () => {
    const args = ["upload", imageFile, "--name", "cli-upload", "--min-ram", "2048", "--chunk-size", "8M", "--no-precheck"];
    const { result: stopped, offset } = await interruptedUpload([...args, "--limit-rate", "12M"], 0.45, "SIGINT");
    expect(stopped.code, stopped.stderr).toBe(EXIT.interrupted);
    expect(stopped.stderr).toMatch(/Run the same command again to resume/);
    expect(offset).toBeGreaterThan(SIZE * 0.3);
    expect(offset).toBeLessThan(SIZE * 0.75);

    const resumed = await hangar([...args, "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming the upload started/);
    const output = JSON.parse(resumed.stdout) as {
      id: string;
      name: string;
      sha256: string;
      minMemoryMiB: number;
      upload: { bytesSent: number; resumedFrom: number };
    };
    expect(output.upload.resumedFrom).toBe(offset);
    expect(output.upload.bytesSent).toBe(SIZE - offset);
    expect(output.upload.bytesSent / SIZE).toBeGreaterThan(0.25);
    expect(output.upload.bytesSent / SIZE).toBeLessThan(0.7);
    expect(output).toMatchObject({ name: "cli-upload", minMemoryMiB: 2048, sha256: sha256(image) });
    imageId = output.id;
    const stored = await server.db.image.findUniqueOrThrow({ where: { id: imageId } });
    expect(stored.sha256).toBe(sha256(image));
    expect(Number(stored.fileSize)).toBe(SIZE);
    expect(await server.db.upload.count({ where: UNFINISHED })).toBe(0);
  });

  it("resumes after the process is killed outright (as by a crash or a reboot), from the URL kept on disk", async () => {
    const copy = path.join(work, "second.raw");
    fs.copyFileSync(imageFile, copy);
    const args = ["upload", copy, "--name", "cli-upload-2", "--chunk-size", "8M", "--no-precheck"];
    const { result: killed, offset } = await interruptedUpload([...args, "--limit-rate", "12M"], 0.3, "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    expect(offset).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(home, "state", "hangar", "uploads.json"), "utf8")).toContain("/api/v1/uploads/");
    const resumed = await hangar([...args, "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const output = JSON.parse(resumed.stdout) as { sha256: string; upload: { resumedFrom: number; bytesSent: number } };
    expect(output.upload.resumedFrom).toBe(offset);
    expect(output.upload.bytesSent).toBe(SIZE - offset);
    expect(output.sha256).toBe(sha256(image));
  });

  it("waits for validation and prints the report; the exit code follows the verdict", async () => {
    const fresh = path.join(work, "third.raw");
    fs.writeFileSync(fresh, image);
    const result = await hangar(["upload", fresh, "--name", "cli-upload-3", "--wait", "--no-precheck"]);
    const status = (await server.db.image.findFirstOrThrow({ where: { name: "cli-upload-3" } })).status;
    expect(["ready", "rejected"]).toContain(status);
    expect(result.code, result.stderr).toBe(status === "ready" ? 0 : EXIT.failed);
    expect(result.stdout).toMatch(/^status\s+(ready|rejected)$/m);
    expect(result.stdout).toMatch(/Checks/);
  });
});

describe("the uploaded image", () => {
  it("is renamed, gets a minimum memory, downloads with the same sha256, and is deleted", async () => {
    const id = (await server.db.image.findFirstOrThrow({ where: { name: "cli-upload" } })).id;
    expect((await hangar(["rename", id, "cli-renamed"])).code).toBe(0);
    expect((await hangar(["set", "cli-renamed", "min-ram=4096"])).code).toBe(0);
    expect(await server.db.image.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "cli-renamed", minMemoryMiB: 4096 });
    const download = await hangar(["download", id, "-o", "back.raw"]);
    expect(download.code, download.stderr).toBe(0);
    expect(sha256(fs.readFileSync(path.join(work, "back.raw")))).toBe(sha256(image));
    expect((await hangar(["rm", id, "--yes"])).code).toBe(0);
    expect(await server.db.image.findUnique({ where: { id } })).toBeNull();
  });
});
