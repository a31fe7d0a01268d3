import type { Page } from "@playwright/test";

/**
 * Saves a picture of the page for the docs (docs/screenshots/NAME.png) when SCREENSHOTS=1: a test run
 * leaves the checkout as it found it, and a refresh of the pictures is a choice someone makes.
 */
export async function docsScreenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage });
}
