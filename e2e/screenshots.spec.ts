import { expect, test } from "@playwright/test";
import { ADMIN, DEMO, signIn } from "./session";

// Refreshes the README's pictures (npm run screenshots); not part of the test run.
const shot = (name: string) => `docs/screenshots/${name}.png`;

test("screenshots for the README", async ({ page, browser }) => {
  await signIn(page, DEMO);
  await expect(page.getByRole("region", { name: /Platform images/ })).toBeVisible();
  await page.screenshot({ path: shot("images"), fullPage: true });

  await page.getByRole("region", { name: /My images/ }).getByRole("row").nth(1).click({ button: "right" });
  await expect(page.getByRole("menu")).toBeVisible();
  await page.screenshot({ path: shot("context-menu") });
  await page.keyboard.press("Escape");

  await page.locator("#platform-images tbody a").first().click();
  await expect(page.getByRole("heading", { name: "Validation report" })).toBeVisible();
  await page.screenshot({ path: shot("image"), fullPage: true });

  const admin = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await signIn(admin, ADMIN);
  await admin.goto("/admin");
  await expect(admin.getByRole("heading", { name: "Administration" })).toBeVisible();
  await admin.screenshot({ path: shot("admin"), fullPage: true });

  await page.goto("/settings");
  for (const [name, expiry] of [["old build script", "7"], ["laptop", "90"], ["CI pipeline", "never"]]) {
    await page.getByLabel("Token name").fill(name);
    await page.getByLabel("Expires after").selectOption(expiry);
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByRole("status", { name: "New token" })).toContainText(name);
    if (name === "old build script") {
      await page.getByRole("button", { name: "Revoke old build script" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
      await expect(page.getByRole("dialog")).toHaveCount(0);
    }
  }
  await expect(page.getByRole("table", { name: "API tokens" }).getByRole("row")).toHaveCount(4);
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 10_000 });
  await page.screenshot({ path: shot("settings"), fullPage: true });
});
