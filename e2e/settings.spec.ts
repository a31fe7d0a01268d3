import { expect, test } from "@playwright/test";
import { DEMO, signIn } from "./session";

test("a token is created on Settings, shown once, works as the user, and stops working when revoked", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, DEMO);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();

  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#token-name-error")).toContainText("Give the token a name");
  await page.getByLabel("Token name").fill("e2e pipeline");
  await page.getByLabel("Expires after").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^hgr_[0-9A-Za-z]{43}$/);
  const secret = (await shown.textContent()) ?? "";
  await page.getByRole("button", { name: "Copy token" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row", { name: /e2e pipeline/ });
  await expect(row).toContainText(`${secret.slice(0, 12)}…`);
  await expect(row).toContainText("never");
  await expect(row).toContainText("in 30 days");
  await expect(row).toContainText("active");

  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ email: DEMO.email, via: "token", token: { name: "e2e pipeline" } });

  // Shown once: after a reload only the first characters remain, and the last use is listed.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret.slice(12));
  await expect(row).toContainText("just now");

  await row.getByRole("button", { name: "Revoke e2e pipeline" }).click();
  await expect(page.getByRole("dialog")).toContainText("e2e pipeline");
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);

  const refused = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: "unauthenticated" } });
});
