import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanBytes } from "../units";
import { referenceDigest } from "../convert/testing/reference-digest";
import { qemuImg } from "../inspect/testing/qemu-img";
import { freePort } from "../testing/hangar-process";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";
import { runCli, startCli } from "../testing/run-cli";
import { EXIT } from "./exit-codes";

// The `hangar` command as a child process against the running production server.

let server: HangarServer;
let home: string;
let work: string;
let demoToken: string;
let demoImage: string;
let platformImage: string;

const env = () => ({ XDG_CONFIG_HOME: path.join(home, "config") });
const hangar = (args: string[], extra: Record<string, string | undefined> = {}, input?: string) =>
  runCli(args, { env: { ...env(), ...extra }, input, cwd: work });
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

beforeAll(async () => {
  server = await startHangarServer();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-home-"));
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-work-"));
  demoToken = (await server.token(server.demo, { name: "cli test" })).secret;
  demoImage = await server.addImage({ owner: server.demo, name: "cli-private", visibility: "private", bytes: randomBytes(200_000) });
  platformImage = await server.addImage({ owner: server.admin, name: "cli-platform", visibility: "platform", bytes: randomBytes(100_000) });
});
afterAll(async () => {
  for (const dir of [home, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await server.close();
});

describe("login", () => {
  it("refuses a revoked token and a bad URL, and stores nothing", async () => {
    const revoked = await server.token(server.demo, { name: "gone" });
    await server.db.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const refused = await hangar(["login", "--url", server.url, "--token", revoked.secret]);
    expect(refused.code).toBe(EXIT.auth);
    expect(refused.stderr).toMatch(/revoked/);
    expect((await hangar(["login", "--url", "ftp://nowhere", "--token", demoToken])).code).toBe(EXIT.usage);
    expect(fs.existsSync(path.join(home, "config", "hangar", "config.json"))).toBe(false);
    expect((await hangar(["images", "ls"])).code).toBe(EXIT.auth);
  });

  it("checks the token and stores the URL and token readable by the user only", async () => {
    const result = await hangar(["login", "--url", `${server.url}/`, "--token-stdin"], {}, `${demoToken}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("demo@hangar.local");
    const file = path.join(home, "config", "hangar", "config.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ url: server.url, token: demoToken });
    const whoami = await hangar(["whoami", "--json"]);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ url: server.url, email: "demo@hangar.local", via: "token", token: { name: "cli test" } });
  });

  it("--token-stdin at a terminal asks for the token and reads the line pasted", async () => {
    const config = path.join(home, "tty");
    // script(1) runs the command on a pseudo-terminal whose input is this process's stdin.
    const command = [process.execPath, path.resolve("scripts/hangar.mjs"), "login", "--url", server.url, "--token-stdin"].map((word) => `'${word}'`).join(" ");
    const result = await runCli([], {
      env: { XDG_CONFIG_HOME: config },
      input: `${demoToken}\n`,
      cwd: work,
      command: ["script", "-qec", command, "/dev/null"],
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Paste an API token/);
    expect(result.stdout).toMatch(/Logged in to .* as demo@hangar\.local/);
    expect(JSON.parse(fs.readFileSync(path.join(config, "hangar", "config.json"), "utf8"))).toEqual({ url: server.url, token: demoToken });
  });

  it("lets HANGAR_URL and HANGAR_TOKEN override the stored config", async () => {
    const other = (await server.token(server.other)).secret;
    const whoami = await hangar(["whoami"], { HANGAR_TOKEN: other });
    expect(whoami.stdout).toContain("other@hangar.local");
    const unreachable = await hangar(["whoami"], { HANGAR_URL: `http://127.0.0.1:${await freePort()}` });
    expect(unreachable.code).toBe(EXIT.unavailable);
    expect(unreachable.stderr).toMatch(/Cannot reach Hangar at .*: ECONNREFUSED\./);
  });
});

describe("local files", () => {
  it("a damaged config file is a usage error (2) that says to log in again, not a stack trace", async () => {
    const config = path.join(home, "broken", "hangar", "config.json");
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, "{bad", { mode: 0o600 });
    const result = await hangar(["images", "ls"], { XDG_CONFIG_HOME: path.join(home, "broken") });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toBe(`hangar: ${config} is not valid JSON (damaged or edited by hand); run hangar login again to rewrite it.\n`);
  });

  it("a download into a directory that does not exist is a usage error (2) naming the file", async () => {
    const target = path.join(work, "no-such-dir", "x.raw");
    const result = await hangar(["download", demoImage, "-o", target]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toBe(`hangar: Cannot open ${target}.part: no such file or directory (ENOENT).\n`);
  });
});

describe("images", () => {
  it("ls lists the platform catalog and my images, never another user's; --json is the API's shape", async () => {
    const others = await server.addImage({ owner: server.other, name: "not-for-demo", visibility: "private" });
    const all = await hangar(["images", "ls", "--json"]);
    expect(all.code, all.stderr).toBe(0);
    const ids = (JSON.parse(all.stdout) as { id: string }[]).map((image) => image.id);
    expect(ids).toEqual(expect.arrayContaining([demoImage, platformImage]));
    expect(ids).not.toContain(others);
    const mine = JSON.parse((await hangar(["images", "ls", "--mine", "--json"])).stdout) as { visibility: string }[];
    expect(mine.every((image) => image.visibility === "private")).toBe(true);
    const platform = JSON.parse((await hangar(["images", "ls", "--platform", "--json"])).stdout) as { visibility: string }[];
    expect(platform.every((image) => image.visibility === "platform")).toBe(true);
    const table = await hangar(["images", "ls", "--search", "cli-"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+VISIBILITY\s+STATUS/);
    expect(table.stdout).toContain("cli-private");
    expect((await hangar(["images", "ls", "--platform", "--mine"])).code).toBe(EXIT.usage);
  });

  it("--output json|table on every command that prints a list or an object; HANGAR_OUTPUT is the default, --json the alias", async () => {
    const table = await hangar(["images", "ls", "--search", "cli-private", "--output", "table"]);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+VISIBILITY/);
    for (const args of [["--output", "json"], ["--json"], []]) {
      const listed = await hangar(["images", "ls", "--search", "cli-private", ...args], args.length ? {} : { HANGAR_OUTPUT: "json" });
      expect(listed.code, listed.stderr).toBe(0);
      expect((JSON.parse(listed.stdout) as { id: string }[]).map((image) => image.id)).toEqual([demoImage]);
    }
    // The command line wins over the environment.
    expect((await hangar(["images", "ls", "--search", "cli-private", "--output", "table"], { HANGAR_OUTPUT: "json" })).stdout).toMatch(/^ID\s+NAME/);
    expect(JSON.parse((await hangar(["images", "show", demoImage], { HANGAR_OUTPUT: "json" })).stdout)).toMatchObject({ id: demoImage, name: "cli-private" });
    expect((await hangar(["images", "show", demoImage, "--output", "table"])).stdout).toMatch(/^name\s+cli-private$/m);
    expect(JSON.parse((await hangar(["whoami", "--output", "json"])).stdout)).toMatchObject({ url: server.url, email: "demo@hangar.local" });
    expect((await hangar(["whoami"], { HANGAR_OUTPUT: "table" })).stdout).toMatch(/^demo@hangar\.local \(.*\) with the token "cli test" at /);

    const contradiction = await hangar(["images", "ls", "--json", "--output", "table"]);
    expect(contradiction.code).toBe(EXIT.usage);
    expect(contradiction.stderr).toMatch(/--json and --output table contradict each other/);
    const unknown = await hangar(["images", "ls"], { HANGAR_OUTPUT: "yaml" });
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toMatch(/HANGAR_OUTPUT/);
    expect(unknown.stderr).toMatch(/table, json/);
  });

  it("show prints every property, by id or by exact name; another user's image is not found", async () => {
    const shown = await hangar(["images", "show", demoImage]);
    expect(shown.stdout).toMatch(/^name\s+cli-private$/m);
    expect(shown.stdout).toMatch(/^sha256\s+[0-9a-f]{64}$/m);
    const byName = JSON.parse((await hangar(["images", "show", "cli-private", "--json"])).stdout) as { id: string };
    expect(byName.id).toBe(demoImage);
    const others = await server.addImage({ owner: server.other, name: "others-only", visibility: "private" });
    for (const ref of [others, "others-only", "no-such-image"]) expect((await hangar(["images", "show", ref])).code).toBe(EXIT.notFound);
  });
});

describe("changing images", () => {
  it("rename: renames; a taken name is rejected (5); a platform image is forbidden (6)", async () => {
    const id = await server.addImage({ owner: server.demo, name: "to-rename", visibility: "private" });
    await server.addImage({ owner: server.demo, name: "already-there", visibility: "private" });
    const renamed = await hangar(["rename", id, "renamed-by-cli"]);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect((await server.db.image.findUniqueOrThrow({ where: { id } })).name).toBe("renamed-by-cli");
    const taken = await hangar(["rename", id, "already-there"]);
    expect(taken.code).toBe(EXIT.rejected);
    expect(taken.stderr).toMatch(/name: You already have an image named "already-there"/);
    expect((await hangar(["rename", platformImage, "mine-now"])).code).toBe(EXIT.forbidden);
    expect((await server.db.image.findUniqueOrThrow({ where: { id: platformImage } })).name).toBe("cli-platform");
  });

  it("set: built-in fields by CLI or Glance name, free properties merged, key= clears; a bad value changes nothing", async () => {
    const id = await server.addImage({ owner: server.demo, name: "to-set", visibility: "private" });
    await server.db.image.update({ where: { id }, data: { properties: JSON.stringify({ keep: "me", drop: "me" }) } });
    const set = await hangar(["set", id, "min-ram=2048", "os_distro=debian", "firmware=uefi", "hw_disk_bus=virtio", "drop="]);
    expect(set.code, set.stderr).toBe(0);
    const row = await server.db.image.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ minMemoryMiB: 2048, osDistro: "debian", firmware: "uefi" });
    expect(JSON.parse(row.properties)).toEqual({ keep: "me", hw_disk_bus: "virtio" });
    const cleared = await hangar(["set", id, "firmware="]);
    expect(cleared.code).toBe(0);
    expect((await server.db.image.findUniqueOrThrow({ where: { id } })).firmware).toBeNull();
    const bad = await hangar(["set", id, "min-ram=-1", "architecture=sparc", "os-version=13"]);
    expect(bad.code).toBe(EXIT.rejected);
    expect(bad.stderr).toMatch(/min-ram: Minimum memory cannot be negative/);
    expect(bad.stderr).toMatch(/architecture: /);
    expect(await server.db.image.findUniqueOrThrow({ where: { id } })).toMatchObject({ minMemoryMiB: 2048, osVersion: null });
    expect((await hangar(["set", id, "no-equals-sign"])).code).toBe(EXIT.usage);
    expect((await hangar(["set", platformImage, "min-ram=1"])).code).toBe(EXIT.forbidden);
  });

  it("rm: refuses without --yes off a terminal, deletes with it, and another user's token cannot", async () => {
    const id = await server.addImage({ owner: server.demo, name: "to-remove", visibility: "private" });
    const asked = await hangar(["rm", id]);
    expect(asked.code).toBe(EXIT.usage);
    expect(await server.db.image.findUnique({ where: { id } })).not.toBeNull();
    const other = (await server.token(server.other)).secret;
    expect((await hangar(["rm", id, "--yes"], { HANGAR_TOKEN: other })).code).toBe(EXIT.notFound);
    expect((await hangar(["rm", platformImage, "--yes"])).code).toBe(EXIT.forbidden);
    expect(await server.db.image.findUnique({ where: { id } })).not.toBeNull();
    const removed = await hangar(["rm", id, "--yes"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await server.db.image.findUnique({ where: { id } })).toBeNull();
    expect((await hangar(["rm", id, "--yes"])).code).toBe(EXIT.notFound);
  });
});

describe("families and deprecation", () => {
  it("versions, FAMILY@latest everywhere an image is taken, deprecate with a replacement (shown wherever the image appears), --on schedules", async () => {
    const family = `cli-fam-${randomBytes(3).toString("hex")}`;
    const v1 = await server.addImage({ owner: server.demo, name: `${family}-1`, visibility: "private", family, version: "1.9", bytes: randomBytes(10_000) });
    const v2 = await server.addImage({ owner: server.demo, name: `${family}-2`, visibility: "private", family, version: "1.10", bytes: randomBytes(10_000) });
    const versions = await hangar(["versions", family]);
    expect(versions.code, versions.stderr).toBe(0);
    const lines = versions.stdout.trim().split("\n").slice(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^1\\.10\\s+latest\\s+${v2}\\s`));
    expect(lines[1]).toMatch(new RegExp(`^1\\.9\\s+${v1}\\s`));
    expect(JSON.parse((await hangar(["images", "show", `${family}@latest`, "--json"])).stdout)).toMatchObject({ id: v2, family, version: "1.10" });

    const deprecated = await hangar(["deprecate", `${family}@1.9`, "--replacement", `${family}@latest`]);
    expect(deprecated.code, deprecated.stderr).toBe(0);
    expect(deprecated.stdout).toContain(`is deprecated; replacement: ${family}@latest`);
    const shown = await hangar(["images", "show", v1]);
    expect(shown.stderr).toContain(`is deprecated. Use ${family}@latest instead.`);
    expect(shown.stdout).toMatch(new RegExp(`status\\s+deprecated -> ${family}@latest`));
    const listed = await hangar(["images", "ls", "--mine", "--deprecated", "--search", family]);
    expect(listed.stdout).not.toContain(v1);
    expect((await hangar(["versions", family])).stdout).toContain(`deprecated -> ${family}@latest`);

    const scheduled = await hangar(["deprecate", v1, "--state", "deleted", "--on", "2030-01-01"]);
    expect(scheduled.code, scheduled.stderr).toBe(0);
    expect(scheduled.stdout).toContain("is deprecated; replacement");
    expect((await hangar(["images", "show", v1])).stdout).toMatch(/delete on\s+2030-01-01T00:00:00.000Z/);

    expect((await hangar(["deprecate", v1, "--state", "obsolete"])).code).toBe(0);
    const refused = await hangar(["download", `${family}@1.9`, "-o", path.join(work, "old.img")]);
    expect(refused.code).toBe(EXIT.rejected);
    expect(refused.stderr).toContain(`Use ${family}@latest instead.`);
  });

  it("a user cannot deprecate a platform image (6) nor another user's (4); bad arguments are usage errors (2)", async () => {
    expect((await hangar(["deprecate", platformImage])).code).toBe(EXIT.forbidden);
    const others = await server.addImage({ owner: server.other, name: `others-${randomBytes(3).toString("hex")}`, visibility: "private" });
    expect((await hangar(["deprecate", others, "--state", "deleted"])).code).toBe(EXIT.notFound);
    expect((await server.db.image.findUniqueOrThrow({ where: { id: others } })).status).toBe("ready");
    expect((await hangar(["deprecate", demoImage, "--state", "gone"])).code).toBe(EXIT.usage);
    fs.writeFileSync(path.join(work, "small.img"), randomBytes(4096));
    const upload = await hangar(["upload", path.join(work, "small.img"), "--no-precheck", "--family", "no-version"]);
    expect([upload.code, upload.stderr]).toEqual([EXIT.usage, expect.stringContaining("--family takes FAMILY@VERSION")]);
  });
});

describe("download", () => {
  it("writes the exact bytes and verifies the sha256; a second run finds the file complete", async () => {
    const bytes = randomBytes(1_500_000);
    const id = await server.addImage({ owner: server.demo, name: "fetch-me", visibility: "private", bytes });
    const first = await hangar(["download", id, "-o", "fetched.raw"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/sha256 verified/);
    expect(sha256(fs.readFileSync(path.join(work, "fetched.raw")))).toBe(sha256(bytes));
    const again = await hangar(["download", id, "-o", "fetched.raw"]);
    expect(again.stderr).toMatch(/already complete/);
    const toStdout = await hangar(["download", "fetch-me", "-o", "-"]);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout.length).toBeGreaterThan(0);
    expect((await hangar(["download", id, "-o", path.join(work, "elsewhere")])).code).toBe(0);
    fs.writeFileSync(path.join(work, "occupied.raw"), "something else");
    expect((await hangar(["download", id, "-o", "occupied.raw"])).code).toBe(EXIT.usage);
    expect(fs.readFileSync(path.join(work, "occupied.raw"), "utf8")).toBe("something else");
  });

  it("resumes an interrupted download from where it stopped, with Range", async () => {
    const bytes = randomBytes(12 << 20);
    const id = await server.addImage({ owner: server.demo, name: "interrupt-me", visibility: "private", bytes });
    const part = path.join(work, "interrupted.raw.part");
    const run = startCli(["download", id, "-o", "interrupted.raw", "--limit-rate", "4M"], { env: env(), cwd: work });
    const deadline = Date.now() + 30_000;
    while ((fs.existsSync(part) ? fs.statSync(part).size : 0) < bytes.length / 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    run.child.kill("SIGINT");
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(EXIT.interrupted);
    expect(stopped.stderr).toMatch(/run the same command again to resume/i);
    const kept = fs.statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(bytes.length);
    expect(Buffer.compare(fs.readFileSync(part), bytes.subarray(0, kept))).toBe(0);

    const resumed = await hangar(["download", id, "-o", "interrupted.raw"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming interrupted\.raw\.part from/);
    // What was transferred, not what was announced: a server ignoring Range answers 200 and the run starts from 0.
    expect(resumed.stderr).toContain(`(resumed at ${humanBytes(kept)}: ${humanBytes(bytes.length - kept)} transferred)`);
    expect(sha256(fs.readFileSync(path.join(work, "interrupted.raw")))).toBe(sha256(bytes));
    expect(fs.existsSync(part)).toBe(false);
  });

  it("starts again when the partial file is of something else, and still verifies", async () => {
    const bytes = randomBytes(300_000);
    const id = await server.addImage({ owner: server.demo, name: "mismatch", visibility: "private", bytes });
    fs.writeFileSync(path.join(work, "mismatch.raw.part"), randomBytes(100_000));
    const result = await hangar(["download", id, "-o", "mismatch.raw"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/downloading again from the start/);
    expect(sha256(fs.readFileSync(path.join(work, "mismatch.raw")))).toBe(sha256(bytes));
  });
});

describe("download --format", () => {
  it("gets the disk converted on the server, resumes it, verifies it by its disk digest, and refuses one whose disk differs", async () => {
    const bytes = randomBytes(3 << 20);
    const id = await server.addImage({ owner: server.demo, name: "export-me", visibility: "private", bytes });
    const raw = path.join(work, "export-source.raw");
    fs.writeFileSync(raw, bytes);
    await server.db.imageDisk.create({ data: { imageId: id, digest: referenceDigest(raw) } });

    const first = await hangar(["download", id, "--format", "qcow2"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/converts export-me to qcow2 on the server/);
    expect(first.stderr).toMatch(/Saved .*export-me\.qcow2: .*disk digest verified/);
    const qcow2 = path.join(work, "export-me.qcow2");
    expect(qemuImg(["compare", "-f", "raw", "-F", "qcow2", raw, qcow2]).ok).toBe(true);
    expect((await hangar(["download", id, "--format", "qcow2"])).stderr).toMatch(/already complete .*disk digest verified/);

    // A partial file continues with Range: the server's export is the same file at every request.
    const whole = fs.readFileSync(qcow2);
    fs.writeFileSync(path.join(work, "resumed.qcow2.part"), whole.subarray(0, 65536));
    const resumed = await hangar(["download", id, "--format", "qcow2", "-o", "resumed.qcow2"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming resumed\.qcow2\.part/);
    expect(Buffer.compare(fs.readFileSync(path.join(work, "resumed.qcow2")), whole)).toBe(0);

    // The stored format is a plain download, checked by its sha256: over HTTP gzip-encoded, as Node's fetch accepts it.
    const direct = await fetch(`${server.url}/api/v1/images/${id}/file`, { headers: { authorization: `Bearer ${demoToken}` } });
    expect([direct.headers.get("content-encoding"), sha256(Buffer.from(await direct.arrayBuffer()))]).toEqual(["gzip", sha256(bytes)]);
    expect((await hangar(["download", id, "--format", "raw", "-o", "plain.raw"])).stderr).toMatch(/sha256 verified/);
    expect((await hangar(["download", id, "--format", "vhdx"])).code).toBe(EXIT.usage);
    // A streamOptimized VMDK, for VMware: the same disk.
    const vmdk = await hangar(["download", id, "--format", "vmdk"]);
    expect(vmdk.stderr).toMatch(/Saved .*export-me\.vmdk: .*disk digest verified/);
    expect(qemuImg(["compare", "-f", "raw", "-F", "vmdk", raw, path.join(work, "export-me.vmdk")]).ok).toBe(true);

    await server.db.imageDisk.update({ where: { imageId: id }, data: { digest: "0".repeat(64) } });
    const differs = await hangar(["download", id, "--format", "qcow2", "-o", "differs.qcow2"]);
    expect(differs.code).toBe(EXIT.failed);
    expect(differs.stderr).toMatch(/is not the image's/);
    expect(fs.existsSync(path.join(work, "differs.qcow2"))).toBe(false);
    expect(fs.existsSync(path.join(work, "differs.qcow2.part"))).toBe(false);
  });
});

describe("download --format qcow2 --compress", () => {
  it("gets a QCOW2 with compressed clusters, smaller than the plain one, verified by its disk digest; --compress needs --format qcow2", async () => {
    // Compressible clusters (text) between random ones (stored plain).
    const text = Buffer.from("cloud-init modules:final ".repeat(2700)).subarray(0, 65536);
    const bytes = Buffer.concat(Array.from({ length: 48 }, (_, index) => (index % 3 === 0 ? randomBytes(65536) : text)));
    const id = await server.addImage({ owner: server.demo, name: "compress-me", visibility: "private", bytes });
    const raw = path.join(work, "compress-source.raw");
    fs.writeFileSync(raw, bytes);
    await server.db.imageDisk.create({ data: { imageId: id, digest: referenceDigest(raw) } });

    const compressed = await hangar(["download", id, "--format", "qcow2", "--compress", "-o", "small.qcow2"]);
    expect(compressed.code, compressed.stderr).toBe(0);
    expect(compressed.stderr).toMatch(/converts compress-me to qcow2-zlib on the server/);
    expect(compressed.stderr).toMatch(/Saved .*small\.qcow2: .*disk digest verified/);
    const small = path.join(work, "small.qcow2");
    const check = qemuImg(["check", "-f", "qcow2", small]);
    expect(check.stdout).toMatch(/No errors were found[\s\S]*48\/48 = 100\.00% allocated, .* 66\.67% compressed clusters/);
    expect(qemuImg(["compare", "-f", "raw", "-F", "qcow2", raw, small]).ok).toBe(true);
    expect((await hangar(["download", id, "--format", "qcow2", "-o", "plain.qcow2"])).code).toBe(0);
    expect(fs.statSync(small).size).toBeLessThan(0.5 * fs.statSync(path.join(work, "plain.qcow2")).size);

    for (const args of [["--compress"], ["--format", "raw", "--compress"], ["--format", "vmdk", "--compress"]]) {
      const refused = await hangar(["download", id, ...args]);
      expect(refused.code).toBe(EXIT.usage);
      expect(refused.stderr).toMatch(/--compress applies to --format qcow2 only/);
    }
    // The API says the same of its query, with a 400.
    const api = await fetch(`${server.url}/api/v1/images/${id}/file?format=raw&compression=zlib`, { headers: { authorization: `Bearer ${demoToken}` } });
    expect(api.status).toBe(400);
    expect(JSON.stringify(await api.json())).toContain("compression applies to format=qcow2 only.");
  });
});

describe("logout", () => {
  it("forgets the config; the next command says how to log in (exit 3)", async () => {
    expect((await hangar(["logout"])).code).toBe(0);
    const after = await hangar(["images", "ls"]);
    expect(after.code).toBe(EXIT.auth);
    expect(after.stderr).toMatch(/hangar login --url/);
  });
});
