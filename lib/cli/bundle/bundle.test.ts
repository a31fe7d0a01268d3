import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../../../scripts/build-cli";
import { API_VERSION } from "../../api/version";
import { inspectImage } from "../../inspect";
import { openFileReader } from "../../inspect/readers/file";
import { announcingServer } from "../../testing/announcing-server";
import { fixtureFamily } from "../../testing/fixtures";
import { runCli } from "../../testing/run-cli";
import { HANGAR_VERSION } from "../../version";
import { completionScript } from "../completion";
import { installCommand } from "../install";
import { buildProgram } from "../main";

// The `hangar` bundle as `npm run build` makes it (scripts/build-cli.ts), checked as a file and run
// as a program from a directory with no node_modules above it. e2e/cli.spec.ts downloads it from a
// running portal and uploads and downloads an image with it.

/** What a download of the CLI may weigh: 0.85 MiB today, most of it the inspector, zod and tus-js-client. */
const SIZE_BUDGET = 1.25 * 1024 * 1024;

let dir: string;
let bundle: string;
let size: number;
const formats = fixtureFamily("formats");

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bundle-"));
  ({ file: bundle, size } = await buildCli(path.join(dir, "bin", "hangar")));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundle with node alone, its code cache in `cache`; `file` instead of the bundle when given. */
function hangar(
  args: string[],
  { cache = path.join(dir, "cache"), file = bundle, env = {} }: { cache?: string; file?: string; env?: Record<string, string> } = {},
) {
  const result = spawnSync(process.execPath, [file, ...args], {
    cwd: path.dirname(file),
    encoding: "utf8",
    // Node alone: no inherited environment, only node on the PATH.
    env: Object.assign(
      {} as NodeJS.ProcessEnv,
      { PATH: path.dirname(process.execPath), HOME: dir, XDG_CONFIG_HOME: path.join(dir, "config"), XDG_CACHE_HOME: cache },
      env,
    ),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ancestors(file: string): string[] {
  const parent = path.dirname(file);
  return parent === file ? [] : [parent, ...ancestors(parent)];
}

/** Every command of the program, with the words of its parent. */
function commands(command: Command = buildProgram(), parent: string[] = []): { parent: string[]; name: string }[] {
  return command.commands.flatMap((sub) => [{ parent, name: sub.name() }, ...commands(sub, [...parent, sub.name()])]);
}

describe("the file", () => {
  it("is one executable script with a shebang, within its size budget", () => {
    expect(fs.readFileSync(bundle, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(fs.statSync(bundle).mode & 0o111).toBe(0o111);
    expect(size).toBe(fs.statSync(bundle).size);
    expect(size).toBeLessThan(SIZE_BUDGET);
  });

  it("needs no module outside Node's built-ins", () => {
    const text = fs.readFileSync(bundle, "utf8");
    // require("x") and import("x") anywhere (the CLI is a string inside the loader), and static imports.
    const specifiers = new Set(
      [...text.matchAll(/\b(?:require|import)\(\s*\\?["'`]([^"'`\\]+)\\?["'`]\s*\)/g), ...text.matchAll(/^\s*import\b[^;\n]*?\bfrom\s*["']([^"']+)["']/gm)].map(
        (match) => match[1],
      ),
    );
    expect(specifiers.size).toBeGreaterThan(5);
    const builtins = new Set(builtinModules);
    expect([...specifiers].filter((specifier) => !builtins.has(specifier.replace(/^node:/, "")))).toEqual([]);
  });

  it("credits the packages it includes with their licenses", () => {
    const text = fs.readFileSync(bundle, "utf8");
    const licenses = text.slice(text.indexOf("Third-party code in this file"));
    for (const name of ["commander", "zod", "tus-js-client", "fflate"]) expect(licenses).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+ \\(MIT\\)$`, "m"));
  });
});

describe("the program", () => {
  it("prints its version and the API version it speaks", () => {
    expect(hangar(["--version"])).toMatchObject({ code: 0, stdout: `hangar ${HANGAR_VERSION} (API ${API_VERSION})\n` });
  });

  it("lists every command registered in lib/cli in --help", () => {
    const registered = commands();
    expect(registered.length).toBeGreaterThan(10);
    for (const { parent, name } of registered) {
      const help = hangar([...parent, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout, `hangar ${parent.join(" ")} --help`).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    }
  });

  it("prints the completion scripts lib/cli/completion.ts generates", () => {
    for (const shell of ["bash", "zsh"] as const) expect(hangar(["completion", shell]).stdout).toBe(completionScript(buildProgram(), shell));
  });

  it.skipIf(formats.skipped)("inspects with the inspector it carries", async () => {
    const file = formats.file("qcow2-zstd-c64k.qcow2");
    const result = hangar(["inspect", file, "--no-guest", "--output", "json"]);
    expect(result.code, result.stderr).toBe(0);
    const reader = await openFileReader(file);
    const report = await inspectImage(reader, { fileName: file, guest: false });
    await reader.close();
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(hangar(["inspect", formats.file("hostile-backing-passwd.qcow2")]).code).toBe(1);
  });

  it("runs alone, and inside a package of either module type", () => {
    for (const type of [null, "module", "commonjs"]) {
      const place = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-alone-"));
      try {
        if (type) fs.writeFileSync(path.join(place, "package.json"), JSON.stringify({ type }));
        const copy = path.join(place, "hangar");
        fs.copyFileSync(bundle, copy);
        expect(ancestors(copy).filter((ancestor) => fs.existsSync(path.join(ancestor, "node_modules")))).toEqual([]);
        const result = hangar(["--version"], { file: copy });
        expect(result, `package type ${type}`).toMatchObject({ code: 0, stdout: `hangar ${HANGAR_VERSION} (API ${API_VERSION})\n` });
      } finally {
        fs.rmSync(place, { recursive: true, force: true });
      }
    }
  });

  it("names its own file in the command that updates it from a newer server", async () => {
    const [major, minor] = API_VERSION.split(".").map(Number) as [number, number];
    const server = await announcingServer(`${major}.${minor + 1}`);
    try {
      const result = await runCli(["whoami"], { command: [process.execPath, bundle], env: { HANGAR_URL: server.url, HANGAR_TOKEN: "hgr_test" } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`Update it from the server:\n  ${installCommand(server.url, fs.realpathSync(bundle))}\n`);
    } finally {
      await server.close();
    }
  });
});

describe("the code cache", () => {
  const cacheFiles = (cache: string) => (fs.existsSync(path.join(cache, "hangar")) ? fs.readdirSync(path.join(cache, "hangar")) : []);

  it("is written by the first run, replaced when it is damaged or from another build, and off with NODE_DISABLE_COMPILE_CACHE", () => {
    const cache = fs.mkdtempSync(path.join(dir, "cache-"));
    expect(hangar(["--version"], { cache }).code).toBe(0);
    const [written] = cacheFiles(cache);
    expect(written).toMatch(new RegExp(`^code-${HANGAR_VERSION.replace(/\./g, "\\.")}-[0-9a-f]{16}-${process.version}-${process.arch}\\.bin$`));
    const file = path.join(cache, "hangar", written);
    const first = fs.readFileSync(file);
    expect(first.length).toBeGreaterThan(10_000);

    // The next run reads it and leaves it as it is.
    expect(hangar(["images", "--help"], { cache }).code).toBe(0);
    expect(fs.readFileSync(file).equals(first)).toBe(true);

    // Damaged, it is refused by V8, the run still works, and a good one takes its place.
    fs.writeFileSync(file, Buffer.alloc(first.length, 7));
    expect(hangar(["--version"], { cache })).toMatchObject({ code: 0, stderr: "" });
    expect(fs.readFileSync(file).equals(Buffer.alloc(first.length, 7))).toBe(false);

    // An older build's cache goes when this one writes its own.
    fs.rmSync(file);
    fs.writeFileSync(path.join(cache, "hangar", "code-0.0.1-0000000000000000-v20.0.0-x64.bin"), "old");
    expect(hangar(["--version"], { cache }).code).toBe(0);
    expect(cacheFiles(cache)).toEqual([written]);

    const off = fs.mkdtempSync(path.join(dir, "cache-"));
    expect(hangar(["--version"], { cache: off, env: { NODE_DISABLE_COMPILE_CACHE: "1" } }).code).toBe(0);
    expect(cacheFiles(off)).toEqual([]);
  });

  it("costs nothing but time when it cannot be written", () => {
    const cache = path.join(dir, "read-only");
    fs.mkdirSync(cache);
    fs.writeFileSync(path.join(cache, "hangar"), "a file where the directory would go");
    expect(hangar(["--version"], { cache })).toMatchObject({ code: 0, stderr: "", stdout: `hangar ${HANGAR_VERSION} (API ${API_VERSION})\n` });
  });
});
