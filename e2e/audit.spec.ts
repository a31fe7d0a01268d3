import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./accessibility";
import { docsScreenshot } from "./docs-screenshot";
import { ADMIN, signIn } from "./session";

test("an admin renames an image, finds the rename in the audit trail by its action, sees before and after, and exports it", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin");
  const catalog = page.getByRole("region", { name: /Platform catalog/ });
  await catalog
    .getByRole("row", { name: /RHEL 9/ })
    .first()
    .click({ button: "right" });
  await page.getByRole("menuitem", { name: "Rename" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("RHEL 9 (audited)");
  await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
  await expect(catalog.getByRole("link", { name: "RHEL 9 (audited)" })).toBeVisible();

  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Audit trail" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole("table", { name: "Audit events" })).toBeVisible();
  await page.getByLabel("Action").selectOption("image.rename");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=image\.rename/);
  const row = page.getByRole("table", { name: "Audit events" }).getByRole("row", { name: /RHEL 9 \(audited\)/ });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(ADMIN.email);
  await expect(row).toContainText("Renamed an image");
  await expect(row.locator("del")).toHaveText("RHEL 9");
  await expect(row.locator("ins")).toHaveText("RHEL 9 (audited)");
  // Every row is a rename: the filter applied.
  const actions = await page
    .getByRole("table", { name: "Audit events" })
    .locator("tbody code")
    .filter({ hasText: /^image\./ })
    .allTextContents();
  expect(new Set(actions)).toEqual(new Set(["image.rename"]));
  await expectAccessible(page, "/admin/audit filtered by action");
  await docsScreenshot(page, "admin-audit");
  await page.screenshot({ path: test.info().outputPath("admin-audit.png"), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export JSON lines" }).click()]);
  const file = await download.path();
  const lines = fs
    .readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { action: string; actor: { email: string }; before: { name?: string }; after: { name?: string } });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((line) => line.action === "image.rename")).toBe(true);
  expect(lines).toContainEqual(
    expect.objectContaining({ actor: expect.objectContaining({ email: ADMIN.email }), before: { name: "RHEL 9" }, after: { name: "RHEL 9 (audited)" } }),
  );
});
