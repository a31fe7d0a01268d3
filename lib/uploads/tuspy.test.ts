import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// An independent tus client, Debian's python3-tuspy (scripts/test-all.sh installs it), against the production
// server killed with SIGKILL at the last byte of an upload: resuming, the client must see the upload complete,
// as it is, and the image it made must be findable.

const PYTHON = ["/usr/bin/python3", "python3"].find((python) => spawnSync(python, ["-c", "import tusclient"]).status === 0);

// Uploads the file with tuspy, keeping its upload URL in a file as tuspy's resumability does, so that a second
// run resumes (HEAD, then PATCH from the offset) instead of starting over. Exits non-zero when tuspy fails.
const CLIENT = `
import sys
from tusclient import client
from tusclient.storage import filestorage
endpoint, cookie, file_path, storage_path = sys.argv[1:5]
uploader = client.TusClient(endpoint, headers={"Cookie": cookie}).uploader(
    file_path, chunk_size=64 << 20, metadata={"name": "tuspy-crash", "filename": "tuspy-crash.raw"},
    store_url=True, url_storage=filestorage.FileStorage(storage_path))
uploader.upload()
print("uploaded", uploader.url, flush=True)
`;

let hangar: HangarProcess;
let work: string;
beforeAll(async () => {
  if (!PYTHON) throw new Error("python3-tuspy is not installed: apt-get install python3-tuspy (scripts/test-all.sh does)");
  hangar = await launchHangar();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-tuspy-"));
});
afterAll(async () => {
  await hangar.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/**
 * A TCP relay in front of Hangar that, once armed, stops passing answers to the client as soon as the client
 * sent `bytes` bytes (the whole PATCH body): the client cannot see its upload finish before the server is
 * killed, however late a loaded machine lets the test look. `cut()` drops the client's connections and
 * disarms it.
 */
async function holdingRelay(target: URL): Promise<{ url: string; arm(bytes: number): void; cut(): void; close(): void }> {
  let holdAfter = Infinity;
  const clients = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    clients.add(client);
    client.on("close", () => clients.delete(client));
    const server = net.connect(Number(target.port), target.hostname);
    let sent = 0;
    client.on("data", (chunk: Buffer) => {
      sent += chunk.length;
      server.write(chunk);
    });
    server.on("data", (chunk: Buffer) => {
      if (sent < holdAfter) client.write(chunk);
    });
    server.on("error", () => client.destroy());
    client.on("error", () => server.destroy());
    server.on("close", () => client.end());
    client.on("end", () => server.end());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const { port } = relay.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm: (bytes) => (holdAfter = bytes),
    cut: () => {
      holdAfter = Infinity;
      for (const client of clients) client.destroy();
    },
    close: () => relay.close(),
  };
}

function runClient(base: string, file: string, cookie: string): { done: Promise<{ code: number | null; output: string }> } {
  const script = path.join(work, "client.py");
  fs.writeFileSync(script, CLIENT);
  const child = spawn(PYTHON ?? "python3", [script, `${base}/api/v1/uploads`, cookie, file, path.join(work, "urls.json")]);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { done: new Promise((resolve) => child.on("exit", (code) => resolve({ code, output }))) };
}

describe("python3-tuspy, resuming after the server died at the last byte", () => {
  it("sees the upload complete, and HEAD names the image it made, with the bytes sent", async () => {
    const bytes = randomBytes(64 << 20);
    const file = path.join(work, "disk.raw");
    fs.writeFileSync(file, bytes);
    const cookie = await hangar.cookie(hangar.demo);

    const relay = await holdingRelay(new URL(hangar.url));
    relay.arm(bytes.length);
    const first = runClient(relay.url, file, cookie);
    // The moment the last byte is stored in the upload area (or the finish already moved the bytes), the server dies; its
    // answer never reached the client.
    let sawPartial = false;
    for (;;) {
      const partials = await hangar.storage.uploads();
      const size = partials.length === 1 ? ((await hangar.storage.stagedSize(partials[0] ?? "")) ?? 0) : 0;
      sawPartial ||= partials.length === 1;
      if (size === bytes.length || (sawPartial && partials.length === 0)) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await hangar.kill("SIGKILL");
    relay.cut();
    const crashed = await first.done;
    expect(crashed.code, crashed.output).not.toBe(0);

    await hangar.restart();
    // Through the relay again, disarmed: the upload's URL names it.
    const resumed = await runClient(relay.url, file, cookie).done;
    expect(resumed.code, resumed.output).toBe(0);
    const url = /uploaded (\S+)/.exec(resumed.output)?.[1] ?? "";

    const image = await hangar.db.image.findFirstOrThrow({ where: { name: "tuspy-crash" } });
    const head = await fetch(url, { method: "HEAD", headers: { "tus-resumable": "1.0.0", cookie } });
    relay.close();
    expect([head.status, head.headers.get("upload-offset"), head.headers.get("upload-length"), head.headers.get("hangar-image-id")]).toEqual([
      200,
      String(bytes.length),
      String(bytes.length),
      image.id,
    ]);
    await expect.poll(async () => (await hangar.db.image.findUniqueOrThrow({ where: { id: image.id } })).status, { timeout: 30_000 }).toMatch(/ready|rejected/);
    const stored = await hangar.db.image.findUniqueOrThrow({ where: { id: image.id } });
    expect([stored.sha256, Number(stored.fileSize)]).toEqual([createHash("sha256").update(bytes).digest("hex"), bytes.length]);
    expect(await hangar.db.image.count({ where: { name: "tuspy-crash" } })).toBe(1);
    // Two uploads of 64 MiB, a restart of the production server and a validation: near the default 60 s on a loaded machine.
  }, 120_000);
});
