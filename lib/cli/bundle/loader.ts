// The outside of the `hangar` bundle (scripts/build-cli.ts): it holds the CLI, lib/cli/bin.ts with
// everything it imports, as one string, and runs it with V8's code cache. Parsing and compiling the
// 1 MiB of JavaScript was a third of the start-up time; with the cache, a run after the first one
// deserializes the compiled code instead (docs/benchmarks.md). Nothing here may import a module:
// the file runs as CommonJS, or as an ES module under a package.json of "type": "module", and gets
// `require` either way.

/** The CLI's code (esbuild's CommonJS output), and a key that changes with it; both set by the build. */
declare const HANGAR_SOURCE: string;
declare const HANGAR_SOURCE_KEY: string;

type Require = (id: string) => unknown;

/**
 * $XDG_CACHE_HOME/hangar (~/.cache/hangar), one file per build of the CLI and per Node.js; an older
 * build's file is removed when a new one is written. NODE_DISABLE_COMPILE_CACHE, Node.js's own
 * switch for its compile cache, turns it off.
 */
function cacheFile(load: Require): string | null {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return null;
  const path = load("node:path") as typeof import("node:path");
  const os = load("node:os") as typeof import("node:os");
  const base = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(base, "hangar", `code-${HANGAR_SOURCE_KEY}-${process.version}-${process.arch}.bin`);
}

/** Writes the code cache next to nothing else of an older build; a cache that cannot be written only costs time. */
function saveCache(load: Require, file: string, data: Buffer): void {
  const fs = load("node:fs") as typeof import("node:fs");
  const path = load("node:path") as typeof import("node:path");
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of fs.readdirSync(dir)) if (/^code-.*\.bin$/.test(name) && name !== path.basename(file)) fs.rmSync(path.join(dir, name), { force: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    // read-only home, full disk: the next run compiles again
  }
}

function run(load: Require): void {
  const fs = load("node:fs") as typeof import("node:fs");
  const vm = load("node:vm") as typeof import("node:vm");
  const file = cacheFile(load);
  let cached: Buffer | undefined;
  try {
    if (file) cached = fs.readFileSync(file);
  } catch {
    cached = undefined;
  }
  const script = new vm.Script(`(function (require) {${HANGAR_SOURCE}\n})`, { filename: process.argv[1], cachedData: cached });
  // Written at exit, so that it holds the functions this run compiled too, not only the top level.
  if (file && (!cached || script.cachedDataRejected)) process.once("exit", () => saveCache(load, file, script.createCachedData()));
  (script.runInThisContext() as (require: Require) => void)(load);
}

if (Number(process.versions.node.split(".")[0]) < 20) {
  process.stderr.write(`hangar: needs Node.js 20 or later; this is Node.js ${process.version}.\n`);
  process.exit(2);
}
if (typeof require === "function") run(require);
else void import("node:module").then((module) => run(module.createRequire(process.argv[1] ?? process.cwd())));

export {};
