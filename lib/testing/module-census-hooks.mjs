// Module loader hooks of lib/testing/module-census.mjs (they run on the loader's own thread).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const libDir = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), path.sep);
const libUrl = pathToFileURL(libDir).href;

export const censusLine = (thread, kind, name) => `${thread} ${kind} ${name}\n`;

let census = { censusFile: "", thread: -1 };

export function initialize(data) {
  census = data;
}

/** Every URL the ES module loader loads: once per module instance. */
export async function load(url, context, nextLoad) {
  if (url.startsWith(libUrl)) fs.appendFileSync(census.censusFile, censusLine(census.thread, "esm", url));
  return nextLoad(url, context);
}
