import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** WCAG 2.0 and 2.1, levels A and AA: what the portal promises (README, "Accessibility"). */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Runs axe-core on the page as it is now (an open dialog or menu included) and asserts no violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = violations.map(
    (violation) => `${violation.id} (${violation.impact ?? "?"}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join("; ")}`,
  );
  expect(found, `axe-core on ${where}`).toEqual([]);
}
