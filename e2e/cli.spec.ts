import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { runCli, startCli } from "../lib/testing/run-cli";
import { DEMO, signIn } from "./session";
import { guestQcow2, sha256Of } from "./upload-files";

// The CLI as a user gets it: the install commands shown on Settings, run as shown, put the bundle
// from this portal into an empty home directory (no node_modules anywhere above it); then, with
// only node on the PATH, it logs in with a token made on the page, uploads a QCOW2 and waits for
// its validation, and downloads it back, interrupted and resumed.

test("hangar is installed from Settings and uploads and downloads an image with node alone", async ({ page, context, baseURL }) => {
  test.setTimeout(180_000);
  const portal = baseURL ?? "";
  const disk = guestQcow2("cli-bundle-e2e");
  if ("skipped" in disk) throw new Error(`guest fixtures not built: ${disk.skipped}`);
  if (!("file" in disk)) return;

  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-home-"));
  const ancestors = (dir: string): string[] => (path.dirname(dir) === dir ? [] : [path.dirname(dir), ...ancestors(path.dirname(dir))]);
  expect(ancestors(home).filter((dir) => fs.existsSync(path.join(dir, "node_modules")))).toEqual([]);
  // The only program on the PATH of the CLI's runs.
  const nodeOnly = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-node-only-"));
  fs.symlinkSync(process.execPath, path.join(nodeOnly, "node"));
  const hangarFile = path.join(home, ".local", "bin", "hangar");
  const env = { PATH: nodeOnly, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), XDG_STATE_HOME: path.join(home, ".local", "state") };
  const start = (args: string[], input?: string) => startCli(args, { command: [hangarFile], env, input, cwd: home });
  const hangar = (args: string[], input?: string) => runCli(args, { command: [hangarFile], env, input, cwd: home });

  try {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, DEMO);
    await page.goto("/settings");
    await page.getByLabel("Token name").fill("cli bundle e2e");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent()) ?? "";
    expect(token).toMatch(/^hgr_/);

    const section = page.getByRole("region", { name: "Command line: hangar" });
    const install = section.getByTestId("cli-install");
    await expect(install).toHaveText(
      `curl -fsSL --create-dirs -o ~/.local/bin/hangar ${portal}/cli/hangar && chmod +x ~/.local/bin/hangar\nhangar login --url ${portal} --token-stdin`,
    );
    await section.getByRole("button", { name: "Copy install commands" }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await install.textContent());
    expect((await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations).toEqual([]);

    // The first line as pasted into a shell (curl comes from the system), then the check shown below it.
    const installLine = copied.split("\n")[0];
    const shell = (line: string) => spawnSync("bash", ["-c", line], { cwd: home, env: { ...process.env, HOME: home }, encoding: "utf8" });
    expect(shell(installLine).status).toBe(0);
    expect(fs.statSync(hangarFile).mode & 0o111).toBe(0o111);
    const checkLine = (await section.getByText("sha256sum -c -").textContent())?.split("\n")[0] ?? "";
    expect(shell(checkLine).stdout).toBe("hangar: OK\n");

    const served = (await (await page.request.get("/api/v1/version")).json()) as { version: string; apiVersion: string };
    expect(await hangar(["--version"])).toMatchObject({ code: 0, stdout: `hangar ${served.version} (API ${served.apiVersion})\n` });

    const login = await hangar(["login", "--url", portal, "--token-stdin"], `${token}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${portal} as ${DEMO.email}`);

    const uploaded = await hangar(["upload", disk.file, "--name", "cli-bundle-e2e", "--min-ram", "1024", "--wait", "--output", "json"]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    const image = JSON.parse(uploaded.stdout) as { id: string; status: string; sha256: string; minMemoryMiB: number };
    expect(image).toMatchObject({ status: "ready", sha256: sha256Of(disk.file), minMemoryMiB: 1024 });

    // Slowed down so that it can be interrupted a third of the way, then resumed.
    const part = path.join(home, "back.qcow2.part");
    const size = fs.statSync(disk.file).size;
    const first = start(["download", image.id, "-o", "back.qcow2", "--limit-rate", "256K"]);
    await expect.poll(() => (fs.existsSync(part) ? fs.statSync(part).size : 0), { timeout: 30_000 }).toBeGreaterThan(size / 3);
    first.child.kill("SIGINT");
    const interrupted = await first.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const kept = fs.statSync(part).size;
    expect(kept).toBeLessThan(size);

    const resumed = await hangar(["download", image.id, "-o", "back.qcow2"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming back\.qcow2\.part from/);
    expect(resumed.stderr).toMatch(/\(resumed at [^)]+ transferred\), sha256 verified\./);
    expect(sha256Of(path.join(home, "back.qcow2"))).toBe(sha256Of(disk.file));

    // The portal lists what the CLI uploaded.
    await page.goto("/images");
    await expect(page.getByRole("region", { name: /My images/ })).toContainText("cli-bundle-e2e");
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(nodeOnly, { recursive: true, force: true });
  }
});
