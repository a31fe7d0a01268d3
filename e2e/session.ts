import { expect, type Page } from "@playwright/test";

export const DEMO = { email: "demo@hangar.local", password: "hangar-demo" };
export const ADMIN = { email: "admin@hangar.local", password: "hangar-admin" };

/** Signs in through the real sign-in form. */
export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/images/);
}
