import fs from "node:fs";
import { chromium } from "@playwright/test";

/** Playwright's own Chromium when it is installed; Debian's otherwise (it cannot be downloaded everywhere). */
export function chromiumExecutable(): string | undefined {
  if (fs.existsSync(chromium.executablePath())) return undefined;
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => fs.existsSync(candidate));
}

/** Chromium as the tests and benchmarks run it: in a container, headless, without background traffic. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
