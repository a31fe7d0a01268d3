import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UploadHashes } from "./hashes";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-hashes-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The nice value of each thread of this process, from /proc (field 19 of a task's stat, after the command in parentheses). */
const threadNiceness = () =>
  fs.readdirSync("/proc/self/task").map((task) => Number(fs.readFileSync(`/proc/self/task/${task}/stat`, "utf8").split(") ")[1].split(" ")[16]));

describe("running upload hashes", () => {
  it("hashes a file reported in steps of every size, behind its writes, as one file", async () => {
    const hashes = new UploadHashes();
    const bytes = randomBytes(23 * 1024 * 1024 + 17);
    const file = path.join(dir, "steps");
    fs.writeFileSync(file, "");
    for (let offset = 0, size = 1; offset < bytes.length; offset += size, size = (size * 7 + 13) % (3 << 20) || 1) {
      fs.appendFileSync(file, bytes.subarray(offset, offset + size));
      hashes.grow("steps", file, Math.min(bytes.length, offset + size));
    }
    const { digest } = await hashes.begin("steps", file, bytes.length);
    expect(await digest).toBe(sha256(bytes));
  });

  it("after a restart, hashes the partial file from its first byte and goes on", async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const file = path.join(dir, "restart");
    fs.writeFileSync(file, bytes.subarray(0, 3 * 1024 * 1024));
    const restarted = new UploadHashes();
    restarted.grow("restart", file, 3 * 1024 * 1024);
    fs.appendFileSync(file, bytes.subarray(3 * 1024 * 1024));
    restarted.grow("restart", file, bytes.length);
    expect(await (await restarted.begin("restart", file, bytes.length)).digest).toBe(sha256(bytes));
  });

  it("hashes exactly the bytes asked for, whatever else the file holds", async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const file = path.join(dir, "longer");
    fs.writeFileSync(file, bytes);
    expect(await (await new UploadHashes().begin("longer", file, 1024 * 1024 + 1)).digest).toBe(sha256(bytes.subarray(0, 1024 * 1024 + 1)));
  });

  it("holds the file open once begun, so that it may move before the hash has caught up", async () => {
    const hashes = new UploadHashes();
    const bytes = randomBytes(16 * 1024 * 1024);
    const file = path.join(dir, "moving");
    fs.writeFileSync(file, bytes);
    const started = await hashes.begin("moving", file, bytes.length);
    fs.renameSync(file, path.join(dir, "moved"));
    fs.rmSync(path.join(dir, "moved"));
    expect(await started.digest).toBe(sha256(bytes));
  });

  it("gives two finishes of one upload the same digest", async () => {
    const hashes = new UploadHashes();
    const bytes = randomBytes(4 * 1024 * 1024);
    const file = path.join(dir, "twice");
    fs.writeFileSync(file, bytes);
    const [first, second] = await Promise.all([hashes.begin("twice", file, bytes.length), hashes.begin("twice", file, bytes.length)]);
    expect(await Promise.all([first.digest, second.digest])).toEqual([sha256(bytes), sha256(bytes)]);
  });

  it("fails the digest of a file shorter than asked, and one that is gone, with the reason", async () => {
    const file = path.join(dir, "short");
    fs.writeFileSync(file, Buffer.alloc(10));
    await expect((await new UploadHashes().begin("short", file, 20)).digest).rejects.toThrow("the file has 10 bytes, not 20");
    await expect(new UploadHashes().begin("gone", path.join(dir, "gone"), 20)).rejects.toThrow("ENOENT");
  });

  it("hashes on a thread of the lowest CPU priority, so that receiving bytes goes first", async () => {
    const before = threadNiceness();
    const file = path.join(dir, "nice");
    fs.writeFileSync(file, Buffer.alloc(1024));
    const hashes = new UploadHashes();
    await (
      await hashes.begin("nice", file, 1024)
    ).digest;
    const lowest = (niceness: number[]) => niceness.filter((nice) => nice === 19).length;
    expect(lowest(threadNiceness())).toBe(lowest(before) + 1);
  });
});
