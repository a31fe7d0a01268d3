import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { allowlistSchema, DEFAULT_IMPORT_CONFIG } from "../../imports/config";
import type { UploadTestEnv } from "../../testing/upload-env";
import type { GlanceDeps } from "../deps";

/** Debian's python3-glanceclient, which scripts/test-all.sh installs. */
export const GLANCE = ["/usr/bin/glance"].find((file) => fs.existsSync(file));

/**
 * The Glance API's dependencies for a test: its upload environment, and imports that may reach loopback (the
 * tests' file server, allowlisted as an administrator allows an internal mirror), giving up a silent server soon.
 */
export function glanceTestDeps(env: UploadTestEnv): GlanceDeps {
  const imports = { ...DEFAULT_IMPORT_CONFIG, allow: allowlistSchema.parse("127.0.0.1/32"), idleTimeoutMs: 1500, maxAttempts: 3 };
  return { ...env.uploads, downloadDir: path.join(env.dir, "imports"), imports, stagingDir: path.join(env.dir, "glance"), portal: "https://hangar.test" };
}

export interface GlanceRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs glance with a terminal as its standard input, as a person's shell gives it: glanceclient reads image data
 * from a stdin that is not a terminal, and refuses `--uri` or `--file` along with it.
 */
const ON_A_TERMINAL = [
  "import os, pty, sys",
  "main, side = pty.openpty()",
  // The terminal's other end stays open in glance: a closed one hangs the terminal up, which is then no terminal.
  "os.set_inheritable(main, True)",
  "os.dup2(side, 0)",
  "os.execv(sys.argv[1], sys.argv[1:])",
].join("\n");

/**
 * The `glance` command line against a Hangar Glance API at `url`, in token mode (--os-image-url,
 * --os-auth-token), with its cache in `home`. Asynchronous, since the server answers in the test's own process.
 */
export function glanceCli(url: string, home: string) {
  function run(args: string[]): Promise<GlanceRun> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;
    return new Promise((resolve) => {
      execFile("python3", ["-c", ON_A_TERMINAL, GLANCE as string, ...args], { env: { ...clean, HOME: home }, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
  const as = (token: string, ...args: string[]) => run(["--os-image-url", url, "--os-auth-token", token, "--os-image-api-version", "2", ...args]);
  const ok = async (token: string, ...args: string[]) => {
    const done = await as(token, ...args);
    if (done.code !== 0) throw new Error(`glance ${args.join(" ")} failed (${done.code}): ${done.stderr}${done.stdout}`);
    return done.stdout;
  };
  const show = async (token: string, id: string) => propertyTable(await ok(token, "image-show", id));
  return {
    run,
    as,
    ok,
    show,
    /** Polls image-show until the image is no longer on its way (queued, importing, saving): validation and imports run in the background. */
    async settled(token: string, id: string): Promise<Record<string, string>> {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const image = await show(token, id);
        if (!["queued", "uploading", "importing", "saving"].includes(image.status) || Date.now() > deadline) return image;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };
}

/** glanceclient's property table (`| Property | Value |`) as a record. */
export function propertyTable(stdout: string): Record<string, string> {
  const rows = stdout.split("\n").filter((line) => line.startsWith("| "));
  return Object.fromEntries(
    rows
      .slice(1)
      .map((line) => line.split("|").map((cell) => cell.trim()))
      .map((cells) => [cells[1] ?? "", cells[2] ?? ""]),
  );
}
