import fs from "node:fs";
import { performance } from "node:perf_hooks";

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux architecture Hangar runs on). */
const TICKS = 100;

/** CPU seconds used so far by every thread of this process, and by the child processes it waited for (/proc/self/stat's cutime and cstime). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  // Fields after the command's closing parenthesis start at field 3 (state): cutime (16) and cstime (17) are the 14th and 15th.
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (user + system) / 1e6 + (Number(fields[13]) + Number(fields[14])) / TICKS;
}

/** Wall time in ms, CPU time in seconds. */
export interface Timing {
  ms: number;
  cpu: number;
}

/** Wall time, then CPU time in parentheses. */
export const show = ({ ms, cpu }: Timing): string => `${(ms / 1000).toFixed(2)} s (CPU ${cpu.toFixed(2)} s)`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The median wall time and the median CPU time of `runs` (with two runs, the slower). */
export const medians = (runs: Timing[]): Timing => ({ ms: median(runs.map((r) => r.ms)), cpu: median(runs.map((r) => r.cpu)) });

/** Theirs over ours, as the benchmarks report it (1.0: as fast). */
export const ratio = (theirs: number, ours: number): string => (theirs / ours).toFixed(2);

/**
 * Runs `run` and gives its wall time (ms), the CPU time it took (seconds: this process's threads and the
 * children it ran), and its value. On a shared machine the wall time follows the load; the CPU time
 * barely does, so a comparison of CPU times holds where one of wall times does not.
 */
export async function measured<T>(run: () => Promise<T> | T): Promise<Timing & { value: T }> {
  const [start, cpu] = [performance.now(), cpuSeconds()];
  const value = await run();
  return { ms: performance.now() - start, cpu: cpuSeconds() - cpu, value };
}
