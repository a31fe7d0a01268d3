import { execFileSync } from "node:child_process";

/** Vitest global setup: build (or reuse) the generated fixtures before any test file runs. */
export default function setup(): void {
  execFileSync("bash", ["scripts/fixtures/build.sh"], { stdio: "inherit" });
}
