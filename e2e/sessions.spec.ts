import { expect, test } from "@playwright/test";
import { ageSessions } from "./data";
import { DEMO, signIn } from "./session";

test("signing out ends the session: the cookies copied before it no longer open the portal", async ({ page, browser, baseURL }) => {
  await signIn(page, DEMO);
  const copied = await page.context().cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  const replay = await browser.newContext({ baseURL });
  await replay.addCookies(copied);
  const other = await replay.newPage();
  await other.goto("/images");
  await expect(other).toHaveURL(/\/signin/);
  await replay.close();
});

test("Sign out everywhere on Settings ends the sessions of every browser", async ({ page, browser, baseURL }) => {
  const laptop = await browser.newContext({ baseURL });
  const elsewhere = await laptop.newPage();
  await signIn(elsewhere, DEMO);
  await signIn(page, DEMO);

  await page.goto("/settings");
  // Settings lists the sessions (earlier tests' too): this browser, and the laptop's that can be ended from here.
  const sessions = page.getByRole("table", { name: "Sessions" });
  await expect(sessions).toContainText("This browser");
  await expect(sessions.getByRole("button", { name: /End the session of/ }).first()).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/signin/);
  await laptop.close();
});

test("the token form asks for the password when the session signed in over 15 minutes ago", async ({ page }) => {
  await signIn(page, DEMO);
  await page.goto("/settings");
  await expect(page.getByLabel("Your password")).toHaveCount(0);
  ageSessions(DEMO.email, 16);

  // The page was rendered before: the server asks when the form is sent.
  await page.getByLabel("Token name").fill("needs a recent sign-in");
  await page.getByRole("button", { name: "Create token" }).click();
  const password = page.getByLabel("Your password");
  await expect(page.locator("#token-password-error")).toContainText("enter your password again");
  await password.fill("not-the-password");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#token-password-error")).toHaveText("That is not your password.");
  await password.fill(DEMO.password);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByRole("status", { name: "New token" })).toContainText("needs a recent sign-in");

  // A page rendered after the 15 minutes asks up front.
  ageSessions(DEMO.email, 16);
  await page.reload();
  await expect(page.getByLabel("Your password")).toBeVisible();
});

test("after five wrong passwords the form says when to try again", async ({ page }) => {
  await page.goto("/signin");
  const email = "someone-guessing@hangar.local";
  for (let attempt = 0; attempt < 6; attempt += 1) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`guess-${attempt}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  await page.getByLabel("Password").fill("guess-7");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText(/^Too many failed sign-ins for this account\. Try again in \d+ seconds?\.$/);
});
