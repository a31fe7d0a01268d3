import { execFileSync } from "node:child_process";
import { fixturesDir } from "./fixtures";

/** Global setup of Vitest and Playwright: build (or reuse) the generated fixtures before any test runs. */
export default function setup(): void {
  execFileSync("bash", ["scripts/fixtures/build.sh"], { stdio: "inherit", env: { ...process.env, HANGAR_FIXTURES: fixturesDir } });
}
