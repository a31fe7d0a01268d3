import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** WCAG 2.0 and 2.1, levels A and AA: what the portal promises (README, "Accessibility"). */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Runs axe-core on the page as it is now (an open dialog or menu included) and asserts no violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  await settle(page);
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = violations.map(
    (violation) => `${violation.id} (${violation.impact ?? "?"}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join("; ")}`,
  );
  expect(found, `axe-core on ${where}`).toEqual([]);
}

/**
 * Waits for finite animations (a toast sliding in, a dialog fading) to end: axe-core measures colours as
 * they are painted, and text half-way through a fade fails contrast although it never stays that way.
 */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const finite = document.getAnimations().filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)));
    await Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
  });
}
