import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

// fixturesDir is read when the module loads, so each case loads it afresh over an empty fixtures directory.
const empty = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-no-fixtures-"));
async function familyWith(env: { CI: string }) {
  vi.resetModules();
  vi.stubEnv("HANGAR_FIXTURES", empty);
  vi.stubEnv("CI", env.CI);
  const { fixtureFamily } = await import("./fixtures");
  return () => fixtureFamily("guests");
}

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => {
  fs.rmSync(empty, { recursive: true, force: true });
});

describe("a fixture family that was not built", () => {
  it("is skipped, with the reason, outside CI", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect((await familyWith({ CI: "" }))().skipped).toMatch(/not built/);
  });

  it("fails the test in CI instead of skipping it", async () => {
    expect(await familyWith({ CI: "1" })).toThrow(/needed in CI but was not built/);
  });
});
