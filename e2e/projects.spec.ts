import { randomUUID } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, type Page, test } from "@playwright/test";
import { hashPassword } from "../lib/auth/password";
import { expectAccessible } from "./accessibility";
import { E2E_DATA_DIR, imageRow } from "./data";
import { ADMIN, DEMO, signIn } from "./session";
import { makeRandomFile } from "./upload-files";

// Issue 14, the portal side of projects: the catalog's project switcher, uploading into a team project
// with its usage bar, and the project page where an owner manages the members.

const TEAM = "Release team";
const VIEWER = { email: "release-viewer@hangar.local", password: "release-viewer-password-1", name: "Vera Viewer" };
const COLLEAGUE = { email: "release-colleague@hangar.local", password: "release-colleague-password-1", name: "Cole Colleague" };
const db = () => new Database(path.join(E2E_DATA_DIR, "hangar.db"));

function teamId(): string {
  const handle = db();
  try {
    return (handle.prepare(`SELECT id FROM "Project" WHERE "nameKey" = ?`).get(TEAM.toLowerCase()) as { id: string }).id;
  } finally {
    handle.close();
  }
}

/** The team project the demo user owns (with a 1 GiB quota) and a viewer of it, written as `hangar projects` and an invitation would leave them. */
test.beforeAll(async () => {
  const handle = db();
  try {
    if (handle.prepare(`SELECT 1 FROM "Project" WHERE "nameKey" = ?`).get(TEAM.toLowerCase())) return;
    const now = Date.now();
    const demo = (handle.prepare(`SELECT id FROM "User" WHERE email = ?`).get(DEMO.email) as { id: string }).id;
    const addUser = handle.prepare(`INSERT INTO "User" (id, email, name, "passwordHash", role, "createdAt") VALUES (?, ?, ?, ?, 'user', ?)`);
    const project = handle.prepare(
      `INSERT INTO "Project" (id, name, "nameKey", kind, "personalUserId", "quotaBytes", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const member = handle.prepare(`INSERT INTO "ProjectMember" (id, "projectId", "userId", role, source, "createdAt") VALUES (?, ?, ?, ?, 'manual', ?)`);
    const team = randomUUID();
    project.run(team, TEAM, TEAM.toLowerCase(), "team", null, 1024 ** 3, now);
    member.run(randomUUID(), team, demo, "owner", now);
    for (const [person, role] of [
      [VIEWER, "viewer"],
      [COLLEAGUE, null],
    ] as const) {
      const user = randomUUID();
      const personal = randomUUID();
      addUser.run(user, person.email, person.name, await hashPassword(person.password), now);
      project.run(personal, person.email, person.email, "personal", user, null, now);
      member.run(randomUUID(), personal, user, "owner", now);
      if (role) member.run(randomUUID(), team, user, role, now);
    }
  } finally {
    handle.close();
  }
});

/** Chooses `project` in the switcher; its list is titled with its name (a personal project's, "My images"). */
async function switchTo(page: Page, project: string, title = project): Promise<void> {
  const switcher = page.getByRole("form", { name: "Switch project" });
  await switcher.getByLabel("Project").selectOption({ label: project });
  await switcher.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("region", { name: new RegExp(`^${title}`) })).toBeVisible();
}

const usageOf = (page: Page) => page.getByRole("progressbar", { name: `Storage of ${TEAM}` });

test("switch to a team project, upload into it, and see its usage bar move", async ({ page }) => {
  const file = makeRandomFile("release-candidate.raw", 64 * 1024 * 1024);
  await signIn(page, DEMO);
  await switchTo(page, TEAM);
  // The choice is in the URL, so that it can be shared.
  expect(new URL(page.url()).searchParams.get("project")).toBe(teamId());
  await expect(usageOf(page)).toHaveAttribute("aria-valuetext", "0 bytes of 1 GiB used");
  await expectAccessible(page, "the catalog on a team project");
  if (process.env.SCREENSHOTS) await page.screenshot({ path: "docs/screenshots/project-switcher.png" });

  const team = page.getByRole("region", { name: new RegExp(`^${TEAM}`) });
  const chooser = page.waitForEvent("filechooser");
  // The header's button (the empty list offers a second one).
  await team.getByRole("button", { name: "Upload image" }).first().click();
  await (await chooser).setFiles(file);
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`To the project ${TEAM}`);
  await expect(dialog).toContainText(`The project ${TEAM} uses 0 bytes of its 1 GiB quota.`);
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(team.getByRole("link", { name: "release-candidate" })).toBeVisible({ timeout: 60_000 });
  // The upload ends before the test does: a partial upload would outlive it in the server's upload directory.
  await expect.poll(() => imageRow("release-candidate")?.sha256, { timeout: 60_000 }).toMatch(/^[0-9a-f]{64}$/);
  await page.reload();
  await expect(usageOf(page)).toHaveAttribute("aria-valuetext", "64 MiB of 1 GiB used");
  await expect(usageOf(page)).toHaveAttribute("aria-valuenow", "6");
  // It went into the team project, not the personal one.
  await switchTo(page, `${DEMO.email} (personal)`, "My images");
  await expect(page.getByRole("region", { name: /My images/ }).getByRole("link", { name: "release-candidate" })).toHaveCount(0);
});

test("an owner adds a member by email, changes the role and removes them; the last owner cannot be removed", async ({ page }) => {
  await signIn(page, DEMO);
  await page.goto(`/projects/${teamId()}`);
  await expect(page.getByRole("heading", { level: 1, name: TEAM })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: `Storage used by ${TEAM}` })).toBeVisible();
  const members = page.getByRole("region", { name: /Members/ });
  await members.getByLabel("Email of the person to add").fill(COLLEAGUE.email);
  await members.getByLabel("Role", { exact: true }).selectOption("viewer");
  await members.getByRole("button", { name: "Add member" }).click();
  const row = members.getByRole("row", { name: new RegExp(COLLEAGUE.name) });
  await expect(row).toBeVisible();
  await expect(row.getByLabel(`Role of ${COLLEAGUE.name}`)).toHaveValue("viewer");
  await row.getByLabel(`Role of ${COLLEAGUE.name}`).selectOption("member");
  await expect(page.getByText(`${COLLEAGUE.name} is now a member.`)).toBeVisible();
  await expectAccessible(page, "the project page of an owner");
  if (process.env.SCREENSHOTS) await page.screenshot({ path: "docs/screenshots/project-page.png", fullPage: true });

  await row.getByRole("button", { name: `Remove ${COLLEAGUE.name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(members.getByRole("row", { name: new RegExp(COLLEAGUE.name) })).toHaveCount(0);

  await members.getByRole("button", { name: "Remove Demo User" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toHaveText("A project keeps at least one owner: make someone else an owner first.");
});

test("a viewer sees the project read-only and has no upload action; a non-member gets not found", async ({ browser }) => {
  const viewer = await (await browser.newContext()).newPage();
  await signIn(viewer, VIEWER);
  await switchTo(viewer, TEAM);
  await expect(viewer.getByRole("button", { name: "Upload image" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /Import/ })).toHaveCount(0);
  await viewer.getByRole("link", { name: "Project details and members" }).click();
  await expect(viewer.getByRole("heading", { level: 1, name: TEAM })).toBeVisible();
  await expect(viewer.getByRole("form", { name: "Add a member" })).toHaveCount(0);
  await expect(viewer.getByLabel(/Role of/)).toHaveCount(0);
  await expect(viewer.getByText("Need more room? Administrators set quotas:")).toBeVisible();
  await expectAccessible(viewer, "the project page of a viewer");

  const stranger = await (await browser.newContext()).newPage();
  await signIn(stranger, COLLEAGUE);
  for (const url of [`/images?project=${teamId()}`, `/images?project=${encodeURIComponent(TEAM)}`, `/projects/${teamId()}`]) {
    const response = await stranger.goto(url);
    expect([url, response?.status()]).toEqual([url, 404]);
    await expect(stranger.getByText(TEAM)).toHaveCount(0);
  }
});

test("an administrator creates a team project and sets its quota on its page", async ({ page }) => {
  const name = `Platform team ${randomUUID().slice(0, 8)}`;
  await signIn(page, ADMIN);
  await page.goto("/admin/projects");
  await expect(page.getByRole("table", { name: "Projects" }).getByRole("link", { name: TEAM })).toBeVisible();
  await expectAccessible(page, "the administrators' list of projects");
  await page.getByRole("button", { name: "New project" }).click();
  const dialog = page.getByRole("dialog", { name: "New team project" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Quota (optional)").fill("2 GiB");
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const usage = page.getByRole("progressbar", { name: `Storage used by ${name}` });
  await expect(usage).toHaveAttribute("aria-valuetext", "0 bytes of 2 GiB used");
  await page.getByLabel("Quota", { exact: true }).fill("lots");
  await page.getByRole("button", { name: "Set quota" }).click();
  await expect(page.getByRole("form", { name: "Set the quota" }).getByRole("alert")).toBeVisible();
  await page.getByLabel("Quota", { exact: true }).fill("5 GiB");
  await page.getByRole("button", { name: "Set quota" }).click();
  await expect(usage).toHaveAttribute("aria-valuetext", "0 bytes of 5 GiB used");
  await expectAccessible(page, "the project page of an administrator");
});
