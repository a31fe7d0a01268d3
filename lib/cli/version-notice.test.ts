import { afterEach, describe, expect, it } from "vitest";
import { API_VERSION } from "../api/version";
import { announcingServer } from "../testing/announcing-server";
import { runCli } from "../testing/run-cli";
import { installCommand } from "./install";

// The checkout's hangar (scripts/hangar.mjs) against servers announcing other API versions;
// lib/cli/bundle/bundle.test.ts checks that the bundle names its own file in the update command.

const [major, minor] = API_VERSION.split(".").map(Number) as [number, number];
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function runAgainst(apiVersion: string | null, args: string[]) {
  const server = await announcingServer(apiVersion);
  close = () => server.close();
  const result = await runCli(args, { env: { HANGAR_URL: server.url, HANGAR_TOKEN: "hgr_test" } });
  return { ...result, url: server.url, requests: server.requests };
}

describe("a server whose API is newer", () => {
  it("gets one notice per run, with the command that installs the server's hangar", async () => {
    const result = await runAgainst(`${major}.${minor + 1}`, ["images", "ls", "--output", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.requests.filter((request) => request.startsWith("/api/v1/images"))).toHaveLength(2);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.stderr.split(`${result.url} speaks API`)).toHaveLength(2);
    expect(result.stderr).toContain(`hangar: ${result.url} speaks API ${major}.${minor + 1}; this hangar`);
    expect(result.stderr).toMatch(/what the server added since is missing here/);
    expect(result.stderr).toMatch(/Update this checkout \(git pull\), or install the server's own hangar:/);
    expect(result.stderr).toContain(`\n  ${installCommand(result.url)}\n`);
  });

  it("says a new major version may be misread", async () => {
    const result = await runAgainst(`${major + 1}.0`, ["whoami"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^someone@example\.com/);
    expect(result.stderr).toMatch(/so it may misread the server's answers\. Update this checkout/);
  });
});

describe("no notice", () => {
  it.each([
    ["the same version", API_VERSION],
    ["an older minor version", `${major}.${Math.max(0, minor - 1)}`],
    ["an older major version", `${major - 1}.9`],
    ["no version at all (a server from before API versions)", null],
    ["a version it cannot read", "banana"],
  ])("for %s", async (_, version) => {
    const result = await runAgainst(version, ["whoami"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
  });
});
