import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { importGraph } from "../testing/import-graph";
import { inspectImage, type InspectionReport } from "./index";
import { openFileReader } from "./readers/file";
import { recordingReader } from "../testing/file-reader";
import { readsOutside } from "./testing/reads-outside";

const family = fixtureFamily("formats");
const root = path.resolve(import.meta.dirname, "../..");

/** The libraries lib/inspect may use: plain JavaScript or WebAssembly that runs in browsers as in Node. */
const BROWSER_LIBRARIES = ["fflate", "fzstd", "yaml", "xz-decompress", "xxhash-wasm", "@noble/hashes/blake2.js", "@noble/hashes/sha2.js"];

/** The shared modules outside lib/inspect it may use: pure TypeScript that other capabilities use too (their own imports are checked as lib/inspect's). */
const SHARED_MODULES = ["lib/lru.ts"];

/** The Node-only adapters in lib/inspect (they import node:*): callers outside pass them in, and index.ts never reaches them. */
const NODE_ADAPTERS = ["lib/inspect/readers/file.ts", "lib/inspect/node-codecs.ts"];

describe("lib/inspect cannot open anything but its reader", () => {
  it("imports no Node module, no framework and nothing outside lib/inspect but its shared modules (so it runs in the browser too)", () => {
    // Relative imports are followed wherever they lead; any other is a package that must be on the list.
    const graph = importGraph([path.join(root, "lib/inspect/index.ts")], (file) => file.startsWith(root));
    expect(graph.size).toBeGreaterThan(20);
    const violations: string[] = [];
    for (const [file, edges] of graph) {
      const where = path.relative(root, file);
      if (!where.startsWith("lib/inspect/") && !SHARED_MODULES.includes(where)) violations.push(where);
      for (const { specifier } of edges)
        if (!specifier.startsWith(".") && !BROWSER_LIBRARIES.includes(specifier)) violations.push(`${where} imports ${specifier}`);
    }
    expect(violations).toEqual([]);
    expect(NODE_ADAPTERS.filter((file) => graph.has(path.join(root, file)))).toEqual([]);
  });

  const strace = spawnSync("strace", ["-V"]).status === 0 ? null : "strace is not installed";
  describe.skipIf(family.skipped ?? strace)("the CLI opens only the file it was given (strace)", () => {
    const hostile = [
      "hostile-backing.qcow2",
      "hostile-backing-passwd.qcow2",
      "hostile-datafile.qcow2",
      "hostile-datafile-passwd.qcow2",
      "hostile-flat-passwd.vmdk",
      "hostile-desc-in-sparse.vmdk",
      "hostile-parent.vmdk",
      "hostile-extent-path.vmdk",
      "hostile-iso-qcow2.iso",
      "hostile-backing.qed",
    ];
    it.each(hostile)("%s", (name) => {
      const log = path.join(os.tmpdir(), `hangar-strace-${process.pid}-${name}.log`);
      const run = spawnSync(
        "strace",
        ["-f", "-e", "trace=open,openat,openat2", "-o", log, process.execPath, path.join(root, "scripts/hangar.mjs"), "inspect", family.file(name), "--json"],
        { encoding: "utf8" },
      );
      const opened = [...fs.readFileSync(log, "utf8").matchAll(/open(?:at2?)?\((?:AT_FDCWD, )?"([^"]+)"/g)].map((m) => path.resolve(m[1]));
      fs.rmSync(log);
      expect(run.status, run.stderr).toBe(1);
      expect((JSON.parse(run.stdout) as InspectionReport).verdict).toBe("rejected");
      expect(opened.filter((p) => p.startsWith(family.dir) || p === "/etc/passwd" || p.startsWith("/var/lib/images"))).toEqual([family.file(name)]);
    });
  });
});

describe.skipIf(family.skipped)("reads stay inside the file and small", () => {
  const names = family.skipped
    ? []
    : fs
        .readdirSync(family.dir, { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith("."))
        .map((e) => e.name);
  it("for every fixture, at both depths; the quick verdict reads well under 1 MiB", async () => {
    for (const name of names) {
      const file = await openFileReader(family.file(name));
      try {
        for (const depth of ["format", "full"] as const) {
          const reader = recordingReader(file);
          await inspectImage(reader, { depth });
          expect(readsOutside(reader.reads, reader.size), `${name} (${depth})`).toEqual([]);
          if (depth === "format") expect(reader.bytesRead(), name).toBeLessThan(512 * 1024);
        }
      } finally {
        await file.close();
      }
    }
  });
});
