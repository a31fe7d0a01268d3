import { randomUUID } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { hashPassword } from "../lib/auth/password";
import { expectAccessible } from "./accessibility";
import { E2E_DATA_DIR } from "./data";
import { DEMO, signIn } from "./session";

// Issue 14: an owner shares an image with another project, whose member sees and downloads it; the owner revokes
// the share, and the image disappears for them.

const MEMBER = { email: "sharee@hangar.local", password: "sharee-password-1" };
const TEAM = "Build team";
// A seeded image no other spec deletes or renames (catalog.spec deletes build-agent).
const IMAGE = "postgres-16-golden";

/** A user who is a member of a team project, written as an administrator's invitation and `hangar projects members add` would leave them. */
test.beforeAll(async () => {
  const db = new Database(path.join(E2E_DATA_DIR, "hangar.db"));
  try {
    if (db.prepare(`SELECT 1 FROM "User" WHERE email = ?`).get(MEMBER.email)) return;
    // Prisma stores SQLite DateTime values as milliseconds since the epoch.
    const now = Date.now();
    const [user, personal, team] = [randomUUID(), randomUUID(), randomUUID()];
    db.prepare(`INSERT INTO "User" (id, email, name, "passwordHash", role, "createdAt") VALUES (?, ?, 'Sam Sharee', ?, 'user', ?)`).run(
      user,
      MEMBER.email,
      await hashPassword(MEMBER.password),
      now,
    );
    const project = db.prepare(`INSERT INTO "Project" (id, name, "nameKey", kind, "personalUserId", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`);
    project.run(personal, MEMBER.email, MEMBER.email, "personal", user, now);
    project.run(team, TEAM, TEAM.toLowerCase(), "team", null, now);
    const member = db.prepare(`INSERT INTO "ProjectMember" (id, "projectId", "userId", role, source, "createdAt") VALUES (?, ?, ?, ?, 'manual', ?)`);
    member.run(randomUUID(), personal, user, "owner", now);
    member.run(randomUUID(), team, user, "member", now);
  } finally {
    db.close();
  }
});

const myImages = (page: import("@playwright/test").Page) => page.getByRole("region", { name: /My images/ });

test("an owner shares an image with a team project; its member sees and downloads it; revoked, it is gone for them", async ({ browser }) => {
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, DEMO);
  await myImages(owner)
    .getByRole("row", { name: new RegExp(IMAGE) })
    .click({ button: "right" });
  await owner.getByRole("menuitem", { name: "Share…" }).click();
  const dialog = owner.getByRole("dialog");
  await expect(dialog).toContainText(`Share “${IMAGE}”`);
  await expectAccessible(owner, "the share dialog");
  await dialog.getByLabel("Project", { exact: true }).selectOption({ label: TEAM });
  await dialog.getByRole("button", { name: "Share", exact: true }).click();
  await expect(dialog.getByRole("list", { name: `Shares of ${IMAGE}` })).toContainText(TEAM);
  if (process.env.SCREENSHOTS === "1") await owner.screenshot({ path: "docs/screenshots/share-dialog.png" });
  await dialog.getByRole("button", { name: "Done" }).click();

  // A share with a project shows in that project's list: the member switches to it.
  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, MEMBER);
  await memberPage.getByRole("form", { name: "Switch project" }).getByLabel("Project").selectOption({ label: TEAM });
  await memberPage.getByRole("button", { name: "Show" }).click();
  const teamImages = (page: import("@playwright/test").Page) => page.getByRole("region", { name: new RegExp(`^${TEAM}`) });
  const row = teamImages(memberPage).getByRole("row", { name: new RegExp(IMAGE) });
  await expect(row).toContainText("shared by Demo User");
  await row.click({ button: "right" });
  await expect(memberPage.getByRole("menu").getByRole("menuitem")).toHaveText(["View", "Download"]);
  const [download] = await Promise.all([memberPage.waitForEvent("download"), memberPage.getByRole("menuitem", { name: "Download" }).click()]);
  expect(await download.failure()).toBeNull();
  await memberPage.keyboard.press("Escape");

  await owner.reload();
  await myImages(owner)
    .getByRole("row", { name: new RegExp(IMAGE) })
    .click({ button: "right" });
  await owner.getByRole("menuitem", { name: "Share…" }).click();
  await owner
    .getByRole("dialog")
    .getByRole("button", { name: `Revoke the share with ${TEAM}` })
    .click();
  await expect(owner.getByRole("dialog").getByRole("list", { name: `Shares of ${IMAGE}` })).toHaveCount(0);

  await memberPage.reload();
  await expect(teamImages(memberPage)).toBeVisible();
  await expect(teamImages(memberPage).getByRole("link", { name: IMAGE })).toHaveCount(0);
});

test("a share made through Glance's member API waits for the project's answer: the dialog says so, the project's list does not show it", async ({
  browser,
}) => {
  // As `glance member-create IMAGE "Build team"` leaves it (lib/glance/members.ts): pending.
  const db = new Database(path.join(E2E_DATA_DIR, "hangar.db"));
  const share = randomUUID();
  try {
    const image = db.prepare(`SELECT id FROM "Image" WHERE name = ?`).get(IMAGE) as { id: string };
    const team = db.prepare(`SELECT id FROM "Project" WHERE name = ?`).get(TEAM) as { id: string };
    const demo = db.prepare(`SELECT id FROM "User" WHERE email = ?`).get(DEMO.email) as { id: string };
    db.prepare(`INSERT INTO "ImageShare" (id, "imageId", "projectId", "createdById", status, "createdAt") VALUES (?, ?, ?, ?, 'pending', ?)`).run(
      share,
      image.id,
      team.id,
      demo.id,
      Date.now(),
    );
  } finally {
    db.close();
  }
  try {
    const owner = await (await browser.newContext()).newPage();
    await signIn(owner, DEMO);
    await myImages(owner)
      .getByRole("row", { name: new RegExp(IMAGE) })
      .click({ button: "right" });
    await owner.getByRole("menuitem", { name: "Share…" }).click();
    const shares = owner.getByRole("dialog").getByRole("list", { name: `Shares of ${IMAGE}` });
    await expect(shares).toContainText(TEAM);
    await expect(shares).toContainText("waiting for the project to accept it");
    await expectAccessible(owner, "the share dialog with a pending share");
    await owner.screenshot({ path: test.info().outputPath("share-dialog-pending.png") });

    const memberPage = await (await browser.newContext()).newPage();
    await signIn(memberPage, MEMBER);
    await memberPage.getByRole("form", { name: "Switch project" }).getByLabel("Project").selectOption({ label: TEAM });
    await memberPage.getByRole("button", { name: "Show" }).click();
    const teamImages = memberPage.getByRole("region", { name: new RegExp(`^${TEAM}`) });
    await expect(teamImages).toBeVisible();
    await expect(teamImages.getByRole("link", { name: IMAGE })).toHaveCount(0);
  } finally {
    const cleanup = new Database(path.join(E2E_DATA_DIR, "hangar.db"));
    cleanup.prepare(`DELETE FROM "ImageShare" WHERE id = ?`).run(share);
    cleanup.close();
  }
});
