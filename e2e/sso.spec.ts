import { expect, type Page, test } from "@playwright/test";
import { freePort, type HangarProcess, launchHangar } from "../lib/testing/hangar-process";
import { type IssuerAccount, issuerHangarEnv, type OidcIssuer, startOidcIssuer } from "../lib/testing/oidc-issuer";
import { type DirectoryPerson, startTestDirectory, type TestDirectory } from "../lib/testing/slapd";
import { expectAccessible } from "./accessibility";

/**
 * Single sign-on in the browser: a Hangar of its own (the portal's usual test server has no single
 * sign-on), configured for a real OpenID provider (oidc-provider) and Debian's slapd on loopback,
 * with local passwords off.
 */
const ROOT: IssuerAccount = { login: "root", email: "root@corp.example", name: "Rooted Admin", groups: ["hangar-admins"] };
const ADA: IssuerAccount = { login: "ada", email: "ada@corp.example", name: "Ada Lovelace", groups: ["developers"] };
const BEA: IssuerAccount = { login: "bea", email: "bea@corp.example", name: "Bea Builder", groups: ["platform-builders"] };
const GRACE: DirectoryPerson = { uid: "grace", password: "grace's directory password", name: "Grace Hopper", email: "grace@example.com", groups: [] };

let hangar: HangarProcess;
let issuer: OidcIssuer;
let directory: TestDirectory;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  directory = await startTestDirectory([GRACE]);
  const port = await freePort();
  hangar = await launchHangar({
    ...issuerHangarEnv(port),
    HANGAR_LDAP_URL: directory.url,
    HANGAR_LDAP_NAME: "your Example account",
    HANGAR_LDAP_USER_DN: `uid={username},ou=people,${directory.suffix}`,
    HANGAR_LOCAL_PASSWORDS: "0",
  });
  issuer = await startOidcIssuer(port, [hangar.url], [ROOT, ADA, BEA]);
});
test.afterAll(async () => {
  await issuer.close();
  await hangar.close();
  await directory.close();
});

/** Through the provider's own pages: its login form, then its consent page. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.goto(`${hangar.url}/signin`);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page).toHaveURL(new RegExp(`^${issuer.url}/interaction/`));
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("provider password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(`${hangar.url}/images`);
}

test("the sign-in page shows the ways that are configured, and an administrator's way in with a local password", async ({ page }) => {
  await page.goto(`${hangar.url}/signin`);
  await expect(page.getByRole("button", { name: "Sign in with Test IdP" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Sign in with your Example account" }).getByLabel("User name")).toBeVisible();
  // Local passwords are off: no email form, one link away for an administrator.
  await expect(page.getByLabel("Email")).toHaveCount(0);
  await expectAccessible(page, "the sign-in page with single sign-on");
  await page.getByRole("link", { name: "Administrator sign-in with a Hangar password" }).click();
  await expect(page.getByRole("form", { name: "Sign in with a Hangar password" }).getByLabel("Email")).toBeVisible();
  await expectAccessible(page, "the sign-in page with every way");
  if (process.env.SCREENSHOTS) await page.screenshot({ path: "docs/screenshots/sign-in-sso.png", fullPage: true });
});

test("a member of the admin group signs in through the provider's login page and lands signed in as an administrator", async ({ page }) => {
  await signInAtProvider(page, "root");
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  expect(await hangar.db.user.findUniqueOrThrow({ where: { email: ROOT.email } })).toMatchObject({ role: "admin", authSource: "oidc" });
  // Administrators see the account as active (it needs no Hangar password) and how it signs in.
  await page.goto(`${hangar.url}/admin/users`);
  const row = page.getByRole("row", { name: new RegExp(ROOT.email) });
  await expect(row).toContainText("active");
  await expect(row).toContainText("via OpenID Connect");
  await expectAccessible(page, "the users page with single sign-on accounts");
});

test("a user outside the admin group lands signed in, without the admin pages", async ({ page }) => {
  await signInAtProvider(page, "ada");
  await expect(page.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  // Nor in a project creator group (HANGAR_OIDC_PROJECT_CREATOR_GROUPS=platform-builders, issuerHangarEnv).
  await expect(page.getByRole("button", { name: "New project" })).toHaveCount(0);
});

test("a member of a project creator group creates a team project from Images and lands on it as its owner", async ({ page }) => {
  await signInAtProvider(page, "bea");
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.getByRole("button", { name: "New project" }).click();
  const dialog = page.getByRole("dialog", { name: "New team project" });
  // The quota is the administrators' to give: not offered.
  await expect(dialog.getByLabel("Quota (optional)")).toHaveCount(0);
  await dialog.getByLabel("Name").fill("Bea's builds");
  await expectAccessible(page, "the new project dialog of a project creator");
  if (process.env.SCREENSHOTS) await page.screenshot({ path: "docs/screenshots/new-project-creator.png" });
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(new RegExp(`^${hangar.url}/projects/`));
  // Its owner: the one who manages its members.
  await expect(page.getByRole("region", { name: /Members/ }).getByLabel("Role of Bea Builder")).toHaveValue("owner");
});

test("administrators see which accounts a single sign-on group lets create team projects", async ({ page }) => {
  for (const login of ["ada", "bea", "root"]) {
    await page.context().clearCookies();
    await signInAtProvider(page, login);
  }
  await page.goto(`${hangar.url}/admin/users`);
  await expect(page.getByRole("row", { name: new RegExp(BEA.email) })).toContainText("creates projects");
  await expect(page.getByRole("row", { name: new RegExp(ADA.email) })).not.toContainText("creates projects");
});

test("a directory user signs in with the LDAP form; a wrong password is said so", async ({ page }) => {
  await page.goto(`${hangar.url}/signin`);
  const form = page.getByRole("form", { name: "Sign in with your Example account" });
  await form.getByLabel("User name").fill("grace");
  await form.getByLabel("Password").fill("not it");
  await form.getByRole("button", { name: "Sign in with your Example account" }).click();
  await expect(form.getByRole("alert")).toHaveText("Wrong user name or password.");
  await form.getByLabel("Password").fill(GRACE.password);
  await form.getByRole("button", { name: "Sign in with your Example account" }).click();
  await expect(page).toHaveURL(`${hangar.url}/images`);
  expect(await hangar.db.user.findUniqueOrThrow({ where: { email: GRACE.email } })).toMatchObject({ authSource: "ldap", name: "Grace Hopper" });
});

test("a user signs in through the OpenID provider and lands in the project that their group maps to", async ({ page }) => {
  // HANGAR_OIDC_GROUP_PROJECTS=developers=Builds:member (issuerHangarEnv); Ada is in developers.
  await signInAtProvider(page, "ada");
  const switcher = page.getByRole("form", { name: "Switch project" });
  await switcher.getByLabel("Project").selectOption({ label: "Builds" });
  await switcher.getByRole("button", { name: "Show" }).click();
  const builds = page.getByRole("region", { name: /^Builds/ });
  await expect(builds).toBeVisible();
  // A member uploads there.
  await expect(builds.getByRole("button", { name: "Upload image" }).first()).toBeVisible();
  await page.getByRole("link", { name: "Project details and members" }).click();
  const row = page.getByRole("region", { name: /Members/ }).getByRole("row", { name: /Ada Lovelace/ });
  await expect(row).toContainText("member");
  await expect(row).toContainText("from a single sign-on group");
  await expectAccessible(page, "a project page with a member from single sign-on");
});
