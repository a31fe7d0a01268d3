import { type Browser, expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./accessibility";
import { docsScreenshot } from "./docs-screenshot";
import { ADMIN, signIn } from "./session";

const unique = () => Math.random().toString(36).slice(2, 8);
/** Another person's browser: a context of its own (its own cookies; axe-core needs a page of a context). */
const elsewhere = async (browser: Browser) => (await browser.newContext()).newPage();

async function openUsers(page: Page): Promise<void> {
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: /^Users/ })).toBeVisible();
}

/** The admin adds a user on /admin/users and copies the one-time link the dialog shows once. */
async function invite(page: Page, email: string, name: string): Promise<string> {
  await openUsers(page);
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Quota").fill("20GiB");
  await expectAccessible(page, "the Add user dialog");
  await dialog.getByRole("button", { name: "Add user" }).click();
  const link = page.getByTestId("one-time-link");
  await expect(link).toHaveText(/\/set-password#[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: "Copy link" }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toBe(await link.textContent());
  await expectAccessible(page, "the invitation link");
  await docsScreenshot(page, "user-invited");
  await page.getByRole("button", { name: "Done" }).click();
  return url;
}

/** The invited person opens the link, chooses a password, and is signed in. */
async function setPassword(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByText(email)).toBeVisible();
  // The token leaves the address bar at once (history, screen sharing).
  await expect(page).toHaveURL(/\/set-password$/);
  await expectAccessible(page, "the set-password page");
  await docsScreenshot(page, "set-password");
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page).toHaveURL(/\/images/);
}

test("an admin invites a user, who sets a password from the link and signs in; the link works once", async ({ page, browser, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = `invited-${unique()}@example.com`;
  await signIn(page, ADMIN);
  const url = await invite(page, email, "Invited Person");
  const row = page.getByRole("table", { name: "Users" }).getByRole("row", { name: new RegExp(email) });
  await expect(row).toContainText("invited");
  await expectAccessible(page, "/admin/users");
  await docsScreenshot(page, "users");

  const person = await elsewhere(browser);
  await setPassword(person, url, email, "a long invited password");
  await expect(person.getByRole("button", { name: "Sign out" })).toBeVisible();
  // Again with the form, in a fresh browser.
  const later = await elsewhere(browser);
  await signIn(later, { email, password: "a long invited password" });
  // The link was used: it does not work again.
  const again = await elsewhere(browser);
  await again.goto(url);
  await expect(again.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await expect(again.getByText(/used already/)).toBeVisible();

  await page.reload();
  await expect(row).toContainText("active");
  await expect(row).toContainText("20 GiB");
});

test("a disabled user's open session stops at their next request, and enabling lets them sign in again", async ({ page, browser, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = `disabled-${unique()}@example.com`;
  await signIn(page, ADMIN);
  const url = await invite(page, email, "Soon Disabled");
  const user = await elsewhere(browser);
  await setPassword(user, url, email, "a long password to lose");
  await expect(user.getByRole("button", { name: "Sign out" })).toBeVisible();

  await openUsers(page);
  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Disable" }).click();
  await expect(page.getByRole("dialog", { name: "Disable user?" })).toBeVisible();
  await expectAccessible(page, "the Disable user dialog");
  await page.getByRole("button", { name: "Disable user" }).click();
  const row = page.getByRole("table", { name: "Users" }).getByRole("row", { name: new RegExp(email) });
  await expect(row).toContainText("disabled");

  // The user's next request: signed out, back at the sign-in page.
  await user.goto("/settings");
  await expect(user).toHaveURL(/\/signin/);
  await user.getByLabel("Email").fill(email);
  await user.getByLabel("Password").fill("a long password to lose");
  await user.getByRole("button", { name: "Sign in" }).click();
  await expect(user.getByText("This account is disabled. Ask an administrator.")).toBeVisible();

  await page.getByRole("button", { name: `Actions for ${email}` }).click();
  await page.getByRole("menuitem", { name: "Enable" }).click();
  await page.getByRole("button", { name: "Enable user" }).click();
  await expect(row).toContainText("active");
  await signIn(user, { email, password: "a long password to lose" });
});

test("the admin edits, resets and deletes a user through dialogs that pass axe-core", async ({ page, browser, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = `edited-${unique()}@example.com`;
  await signIn(page, ADMIN);
  const url = await invite(page, email, "To Edit");
  const user = await elsewhere(browser);
  await setPassword(user, url, email, "a long password to reset");

  await openUsers(page);
  const actions = page.getByRole("button", { name: `Actions for ${email}` });
  const row = page.getByRole("table", { name: "Users" }).getByRole("row", { name: new RegExp(email) });
  await actions.click();
  await expectAccessible(page, "a user's menu");
  await page.getByRole("menuitem", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit user" });
  await edit.getByLabel("Name").fill("Edited Name");
  await edit.getByLabel("Role").selectOption("admin");
  await edit.getByLabel("Quota").fill("lots");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByText(/A quota is a size/)).toBeVisible();
  await expectAccessible(page, "the Edit user dialog with an error");
  await edit.getByLabel("Quota").fill("1TiB");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("Edited Name");
  await expect(row).toContainText("administrator");

  await actions.click();
  await page.getByRole("menuitem", { name: "Reset password" }).click();
  await expectAccessible(page, "the Reset password dialog");
  await page.getByRole("dialog", { name: "Reset password?" }).getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByTestId("one-time-link")).toBeVisible();
  await expectAccessible(page, "the reset link");
  await page.keyboard.press("Escape");
  // Their session ended with the reset.
  await user.goto("/settings");
  await expect(user).toHaveURL(/\/signin/);

  await actions.click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const remove = page.getByRole("dialog", { name: "Delete user?" });
  await remove.getByLabel("Give them to another user").check();
  await remove.getByLabel("Email of the user who gets them").fill("nobody@example.com");
  await remove.getByRole("button", { name: "Delete user" }).click();
  await expect(remove.getByText(/No such user/)).toBeVisible();
  await expectAccessible(page, "the Delete user dialog with an error");
  await docsScreenshot(page, "user-delete");
  await remove.getByLabel("Delete them with their files").check();
  await remove.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByRole("table", { name: "Users" }).getByRole("row", { name: new RegExp(email) })).toHaveCount(0);
});

test("Settings lists the sessions, ends another one, and changes the password, which ends the others", async ({ page, browser, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = `settings-${unique()}@example.com`;
  await signIn(page, ADMIN);
  const url = await invite(page, email, "Settings Person");
  const laptop = await elsewhere(browser);
  await setPassword(laptop, url, email, "the first long password");
  const phone = await elsewhere(browser);
  await signIn(phone, { email, password: "the first long password" });
  const tablet = await elsewhere(browser);
  await signIn(tablet, { email, password: "the first long password" });

  await laptop.goto("/settings");
  const sessions = laptop.getByRole("table", { name: "Sessions" });
  await expect(sessions.getByRole("row")).toHaveCount(4);
  await expectAccessible(laptop, "Settings with sessions");
  await docsScreenshot(laptop, "settings-sessions");
  await sessions
    .getByRole("button", { name: /End the session of/ })
    .first()
    .click();
  await expectAccessible(laptop, "the End session dialog");
  await laptop.getByRole("dialog", { name: "End session" }).getByRole("button", { name: "End session" }).click();
  await expect(sessions.getByRole("row")).toHaveCount(3);

  await laptop.getByLabel("Current password").fill("not my password");
  await laptop.getByLabel("New password", { exact: true }).fill("the second long password");
  await laptop.getByLabel("New password again").fill("the second long password");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.getByText("That is not your current password.")).toBeVisible();
  await expectAccessible(laptop, "the password form with an error");
  await laptop.getByLabel("Current password").fill("the first long password");
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.getByText(/Password changed/)).toBeVisible();
  await expect(sessions.getByRole("row")).toHaveCount(2);

  for (const other of [phone, tablet]) {
    await other.goto("/settings");
    await expect(other).toHaveURL(/\/signin/);
  }
  await laptop.reload();
  await expect(laptop.getByRole("heading", { name: "Settings" })).toBeVisible();
});
