import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHangarServer, type HangarServer } from "../../testing/hangar-server";
import { runCli } from "../../testing/run-cli";

// `hangar projects`, `hangar share` and `hangar unshare` as child processes against the production server: an
// administrator makes a team project, its owner shares an image of their personal project with it, a member of
// it then lists and downloads the image, and after `unshare` no longer sees it.

let server: HangarServer;
let work: string;
const tokens: Record<"admin" | "demo" | "other", string> = { admin: "", demo: "", other: "" };

const hangar = (args: string[], who: keyof typeof tokens, env: Record<string, string> = {}) =>
  runCli(args, { env: { HANGAR_URL: server.url, HANGAR_TOKEN: tokens[who], XDG_CONFIG_HOME: work, ...env }, cwd: work });

beforeAll(async () => {
  server = await startHangarServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-projects-"));
  tokens.admin = (await server.token(server.admin)).secret;
  tokens.demo = (await server.token(server.demo)).secret;
  tokens.other = (await server.token(server.other)).secret;
});
afterAll(async () => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  await server.close();
});

describe("hangar projects, share and unshare", () => {
  it("an owner shares with a team project, whose member lists and downloads the image; unshare takes it away", async () => {
    const name = `cli-shared-${Math.random().toString(36).slice(2, 8)}`;
    const team = `team-${Math.random().toString(36).slice(2, 8)}`;
    const image = await server.addImage({ owner: server.demo, name, visibility: "private", bytes: new Uint8Array(8192).fill(3) });

    expect((await hangar(["projects", "create", team], "demo")).code).not.toBe(0);
    const created = await hangar(["projects", "create", team, "--quota", "10GiB"], "admin");
    expect(created.stdout, created.stderr).toContain(`Created project ${team}`);
    const added = await hangar(["projects", "members", "add", team, "other@hangar.local", "--role", "viewer"], "admin");
    expect(added.stdout, added.stderr).toContain("Added other@hangar.local as a viewer.");
    // Its members: the administrator who made it (its first owner) and the viewer.
    const listed = await hangar(["projects", "ls"], "other");
    expect(listed.stdout).toMatch(new RegExp(`${team}\\s+team\\s+viewer\\s+2\\s+0\\s+0 bytes\\s+10 GiB`));

    expect((await hangar(["images", "ls", "--shared"], "other")).stdout).not.toContain(name);
    const shared = await hangar(["share", image, team], "demo");
    expect(shared.stdout, shared.stderr).toContain(`Shared ${name} with project ${team}.`);
    expect((await hangar(["share", image, "--list"], "demo")).stdout).toMatch(new RegExp(`${name}\\s+project ${team}\\s+demo@hangar.local`));
    // The other user may see and download it, not share it further.
    expect((await hangar(["images", "ls", "--shared", "--project", team], "other")).stdout).toContain(name);
    const target = path.join(work, "copy.raw");
    const downloaded = await hangar(["download", image, "-o", target], "other");
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(fs.statSync(target).size).toBe(8192);
    expect((await hangar(["share", image, "--user", "admin@hangar.local"], "other")).code).not.toBe(0);

    const revoked = await hangar(["unshare", image, team], "demo");
    expect(revoked.stdout, revoked.stderr).toContain(`no longer shared with project ${team}`);
    expect((await hangar(["images", "ls", "--shared"], "other")).stdout).not.toContain(name);
    expect((await hangar(["download", image, "-o", path.join(work, "again.raw")], "other")).code).not.toBe(0);
    const promoted = await hangar(["projects", "members", "set", team, "other@hangar.local", "--role", "owner"], "admin");
    expect(promoted.stdout, promoted.stderr).toContain(`other@hangar.local is now an owner of ${team}.`);
  });

  it("--project and HANGAR_PROJECT name the project an upload goes to; a project one may not upload to is refused", async () => {
    const team = `uploads-${Math.random().toString(36).slice(2, 8)}`;
    await hangar(["projects", "create", team], "admin");
    await hangar(["projects", "members", "add", team, "demo@hangar.local", "--role", "member"], "admin");
    await hangar(["projects", "members", "add", team, "other@hangar.local", "--role", "viewer"], "admin");
    const file = path.join(work, "tiny.raw");
    fs.writeFileSync(file, new Uint8Array(1024 * 1024));
    const uploaded = await hangar(["upload", file, "--name", `in-${team}`, "--no-precheck"], "demo", { HANGAR_PROJECT: team });
    expect(uploaded.code, uploaded.stderr).toBe(0);
    const inProject = await hangar(["images", "ls", "--mine", "--project", team, "--output", "json"], "other");
    expect((JSON.parse(inProject.stdout) as { name: string; project: { name: string } }[]).map((one) => [one.name, one.project.name])).toEqual([
      [`in-${team}`, team],
    ]);
    const refused = await hangar(["upload", file, "--name", "viewer-upload", "--no-precheck", "--project", team], "other");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Viewers of a project can see and download/);
  });

  it("a project creator (HANGAR_*_PROJECT_CREATOR_GROUPS) creates a team project with `hangar projects create` and owns it; a quota stays the administrators'", async () => {
    const team = `creators-${Math.random().toString(36).slice(2, 8)}`;
    await server.db.user.update({ where: { id: server.other.id }, data: { projectCreator: true } });
    try {
      const refused = await hangar(["projects", "create", `${team}-big`, "--quota", "1TiB"], "other");
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("Only administrators can set a project's quota.");
      const created = await hangar(["projects", "create", team], "other");
      expect(created.stdout, created.stderr).toContain(`Created project ${team}`);
      const listed = await hangar(["projects", "ls"], "other");
      expect(listed.stdout).toMatch(new RegExp(`${team}\\s+team\\s+owner\\s+1\\s`));
    } finally {
      await server.db.user.update({ where: { id: server.other.id }, data: { projectCreator: false } });
    }
  });
});
