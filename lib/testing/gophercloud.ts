import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { testDir } from "./test-dir";

/** The Go program that drives the Glance API with gophercloud (one operation per run, JSON out). */
const SOURCE = path.resolve("scripts/glance-clients/gophercloud");
/** Debian's golang-github-gophercloud-gophercloud-dev: GOPATH-style sources, so the build needs no network. */
const GOPATH = "/usr/share/gocode";

/**
 * The program, built once per version of its source: cached in the test data directory under the source's hash,
 * so that CI builds it once and a run after a change builds it again. A missing toolchain fails the test (the
 * packages are in scripts/test-all.sh).
 */
export function gophercloudBinary(): string {
  if (!fs.existsSync("/usr/bin/go")) throw new Error("golang-go is not installed: apt-get install golang-go (scripts/test-all.sh does)");
  if (!fs.existsSync(path.join(GOPATH, "src/github.com/gophercloud/gophercloud")))
    throw new Error("gophercloud is not installed: apt-get install golang-github-gophercloud-gophercloud-dev (scripts/test-all.sh does)");
  const hash = createHash("sha256");
  for (const file of fs.readdirSync(SOURCE).sort()) hash.update(file).update(fs.readFileSync(path.join(SOURCE, file)));
  const binary = path.join(testDir, "gophercloud", hash.digest("hex").slice(0, 16), "gophercloud");
  if (fs.existsSync(binary)) return binary;
  const building = `${binary}.${process.pid}`;
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  execFileSync("/usr/bin/go", ["build", "-o", building, "."], {
    cwd: SOURCE,
    env: { ...process.env, GO111MODULE: "off", GOPATH, GOFLAGS: "", GOCACHE: path.join(testDir, "gophercloud", "go-cache") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  // Two suites building at once: each renames its own, the last one wins, both are the same program.
  fs.renameSync(building, binary);
  return binary;
}

export interface GophercloudRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * How a run authenticates: a Hangar token on the unversioned root, or the OS_* variables of Identity v3 (OS_AUTH_URL,
 * OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME... as Terraform and Packer read them), with which the program logs in
 * through openstack.AuthenticatedClient and finds the image endpoint in the catalog.
 */
export type GophercloudAuth = { token: string } | { identity: Record<string, string> };

/** One run of the program against a Glance root (asynchronous: the listener answers in this very process). */
export function gophercloud(binary: string, endpoint: string, auth: GophercloudAuth, ...args: string[]): Promise<GophercloudRun> {
  // Only the OS_* variables given here: the test's own environment must not switch the program to another cloud.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;
  const env = "identity" in auth ? { ...clean, ...auth.identity } : clean;
  const argv = ["-endpoint", endpoint, ...("token" in auth ? ["-token", auth.token] : []), ...args];
  return new Promise((resolve) => {
    execFile(binary, argv, { env, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A run that must succeed, its JSON output parsed. */
export async function gophercloudOk<T>(binary: string, endpoint: string, auth: GophercloudAuth, ...args: string[]): Promise<T> {
  const run = await gophercloud(binary, endpoint, auth, ...args);
  if (run.code !== 0) throw new Error(`gophercloud ${args.join(" ")} failed (${run.code}): ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout) as T;
}
