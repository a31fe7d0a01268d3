import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHangarServer, type HangarServer } from "../../testing/hangar-server";
import { runCli } from "../../testing/run-cli";
import { EXIT } from "../exit-codes";

// `hangar users` as a child process against the production server: an administrator's token manages
// accounts end to end, a user's token is refused.

let server: HangarServer;
let work: string;
let adminToken: string;
let userToken: string;

const hangar = (args: string[], token = adminToken) => runCli(args, { env: { HANGAR_URL: server.url, HANGAR_TOKEN: token, XDG_CONFIG_HOME: work }, cwd: work });

beforeAll(async () => {
  server = await startHangarServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-users-"));
  adminToken = (await server.token(server.admin)).secret;
  userToken = (await server.token(server.demo)).secret;
});
afterAll(async () => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  await server.close();
});

describe("hangar users", () => {
  it("creates a user and prints only the one-time link on standard output", async () => {
    const created = await hangar(["users", "create", "nina@example.com", "--name", "Nina", "--quota", "50GiB"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(new RegExp(`^${server.url}/set-password#[A-Za-z0-9_-]{43}$`));
    expect(created.stderr).toMatch(/shown|not shown again/);
    const shown = await hangar(["users", "show", "nina@example.com", "--output", "json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ email: "nina@example.com", status: "invited", quotaBytes: 50 * 1024 ** 3, projectCreator: false });
    // The right a single sign-on group gives at sign-in shows in the account's details.
    await server.db.user.update({ where: { email: "nina@example.com" }, data: { projectCreator: true } });
    expect((await hangar(["users", "show", "nina@example.com"])).stdout).toMatch(/creates projects\s+yes/);
    const listed = await hangar(["users", "ls", "--search", "nina"]);
    expect(listed.stdout).toMatch(/nina@example\.com\s+Nina\s+user\s+invited/);
  });

  it("sets, disables, enables, resets and deletes, and says what it did", async () => {
    const nina = await server.db.user.findUniqueOrThrow({ where: { email: "nina@example.com" } });
    expect((await hangar(["users", "set", nina.id, "--role", "admin", "--quota", "default"])).stdout).toContain("Updated nina@example.com.");
    expect(await server.db.user.findUniqueOrThrow({ where: { id: nina.id } })).toMatchObject({ role: "admin" });
    // A user's quota is their personal project's (projects).
    expect(await server.db.project.findUniqueOrThrow({ where: { personalUserId: nina.id } })).toMatchObject({ quotaBytes: null });
    expect((await hangar(["users", "disable", "nina@example.com"])).stdout).toContain("Disabled");
    expect((await server.db.user.findUniqueOrThrow({ where: { id: nina.id } })).disabledAt).not.toBeNull();
    expect((await hangar(["users", "enable", "nina@example.com"])).stdout).toContain("Enabled");
    const reset = await hangar(["users", "reset-password", "nina@example.com", "--yes"]);
    expect(reset.stdout.trim()).toMatch(/\/set-password#/);
    // Not on a terminal, without --yes: refused, nothing deleted.
    const unconfirmed = await hangar(["users", "rm", "nina@example.com", "--delete-images"]);
    expect(unconfirmed.code).toBe(EXIT.usage);
    expect(await server.db.user.count({ where: { id: nina.id } })).toBe(1);
    expect((await hangar(["users", "rm", "nina@example.com", "--yes"])).code).toBe(EXIT.usage);
    const removed = await hangar(["users", "rm", "nina@example.com", "--transfer-to", "demo@hangar.local", "--yes"]);
    expect(removed.stdout).toContain("Deleted nina@example.com: 0 images transferred");
    expect(await server.db.user.count({ where: { id: nina.id } })).toBe(0);
  });

  it("a user's token is refused with the server's message, and a bad quota gets the field's message", async () => {
    const refused = await hangar(["users", "ls"], userToken);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Only administrators can manage accounts.");
    const bad = await hangar(["users", "create", "oscar@example.com", "--name", "Oscar", "--quota", "lots"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/A quota is a size/);
    expect(await server.db.user.count({ where: { email: "oscar@example.com" } })).toBe(0);
  });
});
