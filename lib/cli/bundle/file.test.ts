import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLI_BUNDLE_FILE, cliBundleBuilt, notBuiltResponse, readCliBundle, sha256Line } from "./file";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-served-"));
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

it("has nothing to serve before the build, and says who makes it", async () => {
  expect(await readCliBundle(root)).toBeNull();
  expect(await cliBundleBuilt(root)).toBe(false);
  const response = notBuiltResponse();
  expect(response.status).toBe(404);
  expect(await response.text()).toMatch(/has not been built on this server: its administrator runs npm run build/);
});

it("serves the built file with a checksum line that sha256sum -c accepts for a download saved as hangar", async () => {
  const bytes = Buffer.from("#!/usr/bin/env node\nconsole.log('hangar');\n");
  fs.mkdirSync(path.dirname(path.join(root, CLI_BUNDLE_FILE)), { recursive: true });
  fs.writeFileSync(path.join(root, CLI_BUNDLE_FILE), bytes);
  const bundle = await readCliBundle(root);
  expect(await cliBundleBuilt(root)).toBe(true);
  expect(bundle?.bytes.equals(bytes)).toBe(true);
  expect(bundle?.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  if (!bundle) return;

  const download = fs.mkdtempSync(path.join(root, "download-"));
  fs.writeFileSync(path.join(download, "hangar"), bytes);
  const check = spawnSync("sha256sum", ["-c", "-"], { cwd: download, input: sha256Line(bundle), encoding: "utf8" });
  expect(check.stdout).toBe("hangar: OK\n");
  fs.appendFileSync(path.join(download, "hangar"), "tampered");
  expect(spawnSync("sha256sum", ["-c", "-"], { cwd: download, input: sha256Line(bundle), encoding: "utf8" }).status).toBe(1);
});
