// What every benchmark that runs the production server starts with: the build it needs, and the machine it ran on.
import fs from "node:fs";
import os from "node:os";

/** The load average, as printed before and after a run: a figure measured under load says so. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

/** Refuses to run without `npm run build`, then prints the machine's cores, Node and load. */
export function startBenchmark(): void {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("The benchmark runs the production build: run `npm run build` first.");
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}; load average ${loadAverage()}`);
}
