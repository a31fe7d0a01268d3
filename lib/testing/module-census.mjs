// Records every module of lib/ that Node evaluates, for lib/server/module-instances.test.ts. Started with
// `node --import tsx --import ./lib/testing/module-census.mjs`, it appends one line per evaluation to the file
// named by HANGAR_MODULE_CENSUS: "<thread> esm <url>" when the ES module loader loads it (once per URL: a second
// instance of a file shows as its path with another query), "<thread> cjs <path>" when it is compiled as
// CommonJS. Plain JavaScript, as it runs before tsx could compile anything.
import fs from "node:fs";
import Module, { register } from "node:module";
import { threadId } from "node:worker_threads";
import { censusLine, libDir } from "./module-census-hooks.mjs";

const censusFile = process.env.HANGAR_MODULE_CENSUS;
if (censusFile) {
  register("./module-census-hooks.mjs", import.meta.url, { data: { censusFile, thread: threadId } });
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (filename.startsWith(libDir)) fs.appendFileSync(censusFile, censusLine(threadId, "cjs", filename));
    return compile.call(this, content, filename);
  };
}
