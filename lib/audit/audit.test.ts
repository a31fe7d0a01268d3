import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../accounts/create";
import { resetPassword } from "../accounts/reset";
import { updateAccount } from "../accounts/update";
import { changeOwnPassword } from "../accounts/change-password";
import type { Actor } from "../auth/actor";
import { endAllOwnSessions, endOwnSession, endSession, findSession, startSession } from "../auth/sessions";
import { checkPassword } from "../auth/sign-in";
import { createToken, hashToken, revokeToken } from "../auth/tokens";
import { deleteImage, renameImage, setDeprecated, updateImage, updateImageProperties } from "../catalog/mutations";
import { publishImage } from "../catalog/publish";
import { validationsSettled } from "../catalog/validation";
import { addMember, removeMember, setMemberRole } from "../projects/members";
import { createProject, updateProject } from "../projects/projects";
import { shareImage, unshareImage } from "../projects/shares";
import { parseGroupProjects } from "../sso/groups";
import { provisionSsoUser } from "../sso/provision";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { fixtureFamily } from "../testing/fixtures";
import { recordAudit } from "./record";

// The audit trail against a real database (SQLite, and PostgreSQL in its project): every class of event,
// written with the change or not at all.
let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const projectDeps = () => ({ db: env.db, defaultQuota: null });
const events = (action: string, objectId?: string) =>
  env.db.auditEvent.findMany({ where: { action, ...(objectId ? { objectId } : {}) }, orderBy: [{ at: "asc" }, { id: "asc" }] });
const json = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));
const viaToken = (actor: Actor, id = "token-1"): Actor => ({ ...actor, origin: { via: "token", id, clientAddress: "192.0.2.7" } });

describe("image changes", () => {
  it("a rename records who, how, from where, and the name before and after", async () => {
    const id = await env.addImage({ owner: env.alice, name: "before-name", visibility: "private" });
    const renamed = await renameImage(env.deps, viaToken(env.alice), id, "after-name");
    expect(renamed.ok).toBe(true);
    const [event, ...more] = await events("image.rename", id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      actorId: env.alice.id,
      actorEmail: "alice@test",
      via: "token",
      viaId: "token-1",
      clientAddress: "192.0.2.7",
      objectType: "image",
    });
    expect([json(event.before), json(event.after)]).toEqual([{ name: "before-name" }, { name: "after-name" }]);
    const image = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect(event.projectId).toBe(image.projectId);
  });

  it("an edit records the changed fields only", async () => {
    const id = await env.addImage({ owner: env.alice, name: "edited", visibility: "private" });
    await env.db.image.update({ where: { id }, data: { osDistro: "debian", minMemoryMiB: 512 } });
    const result = await updateImageProperties(env.deps, env.alice, id, { osDistro: "debian", minMemoryMiB: 1024, properties: { hw_disk_bus: "scsi" } });
    expect(result.ok).toBe(true);
    const [event] = await events("image.edit", id);
    expect(json(event.before)).toEqual({ minMemoryMiB: 512, properties: {} });
    expect(json(event.after)).toEqual({ minMemoryMiB: 1024, properties: { hw_disk_bus: "scsi" } });
  });

  it("a refused or invalid change records nothing", async () => {
    const id = await env.addImage({ owner: env.alice, name: "untouched", visibility: "private" });
    const count = await env.db.auditEvent.count();
    expect((await renameImage(env.deps, env.bob, id, "stolen")).ok).toBe(false);
    expect((await renameImage(env.deps, null, id, "stolen")).ok).toBe(false);
    expect((await updateImage(env.deps, env.alice, id, { name: "fine", minDiskGiB: -1 })).ok).toBe(false);
    expect((await deleteImage(env.deps, env.bob, id)).ok).toBe(false);
    expect(await env.db.auditEvent.count()).toBe(count);
  });

  it("a rename that loses the race for a name at the unique index rolls its event back with it", async () => {
    const first = await env.addImage({ owner: env.alice, name: "race-1", visibility: "private" });
    const second = await env.addImage({ owner: env.alice, name: "race-2", visibility: "private" });
    const results = await Promise.all([renameImage(env.deps, env.alice, first, "race-prize"), renameImage(env.deps, env.alice, second, "race-prize")]);
    expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
    const recorded = (await env.db.auditEvent.findMany({ where: { action: "image.rename", objectId: { in: [first, second] } } })).map((e) => e.objectId);
    const winner = results[0].ok ? first : second;
    expect(recorded).toEqual([winner]);
  });

  it("a change that rolls back after its event was written leaves no event", async () => {
    const id = await env.addImage({ owner: env.alice, name: "rolled-back", visibility: "private" });
    await expect(
      env.db.$transaction(async (tx) => {
        await recordAudit(tx, env.alice, { action: "image.edit", objectId: id, before: { minMemoryMiB: null }, after: { minMemoryMiB: 1 } });
        await tx.image.update({ where: { id }, data: { minMemoryMiB: 1 } });
        throw new Error("the change failed after its event was written");
      }),
    ).rejects.toThrow(/failed/);
    expect(await events("image.edit", id)).toEqual([]);
  });

  it("deletion, deprecation and publishing are recorded; a scheduled deprecation as the system", async () => {
    const id = await env.addImage({ owner: env.alice, name: "lifecycle", visibility: "private" });
    expect((await setDeprecated(env.deps, env.alice, id, true)).ok).toBe(true);
    const [deprecated] = await events("image.deprecate", id);
    expect([json(deprecated.before), json(deprecated.after)]).toEqual([{ status: "ready" }, { status: "deprecated" }]);
    expect((await setDeprecated(env.deps, env.alice, id, false)).ok).toBe(true);
    const published = await publishImage(env.deps, env.admin, id, "lifecycle-golden");
    expect(published.ok).toBe(true);
    const [publishEvent] = await events("image.publish");
    expect(publishEvent).toMatchObject({ actorId: env.admin.id, objectId: published.ok ? published.value.id : "" });
    expect(json(publishEvent.after)).toMatchObject({ name: "lifecycle-golden", sourceId: id });
    expect((await deleteImage(env.deps, env.alice, id)).ok).toBe(true);
    const [deleted] = await events("image.delete", id);
    expect(json(deleted.before)).toMatchObject({ name: "lifecycle" });
  });
});

const formats = fixtureFamily("formats");

describe.skipIf(formats.skipped)("uploads and validation", () => {
  it("a registration is recorded for its creator, its validation for the system", async () => {
    const id = await env.storeCopy(formats.file("qcow2-v3.qcow2"), "registered-audit");
    const [registered] = await events("image.register", id);
    expect(registered).toMatchObject({ actorId: env.alice.id, objectType: "image" });
    expect(json(registered.after)).toMatchObject({ name: "registered-audit", status: "validating", sourceFileName: "qcow2-v3.qcow2" });
    await validationsSettled();
    const [validated] = await events("image.validate", id);
    expect(validated).toMatchObject({ actorId: null, via: "system" });
    expect(json(validated.before)).toEqual({ status: "validating" });
    expect(json(validated.after)).toEqual({ status: "rejected" });
  });
});

describe("projects, members and shares", () => {
  it("records each change with the project it belongs to", async () => {
    const project = await createProject(projectDeps(), env.admin, { name: "Audit team" });
    if (!project.ok) throw new Error(project.error.message);
    const projectId = project.value.id;
    expect((await updateProject(projectDeps(), env.admin, projectId, { name: "Audit team 2" })).ok).toBe(true);
    const erin = await env.db.user.create({ data: { email: "erin@example.com", name: "Erin" } });
    expect((await addMember(projectDeps(), env.admin, projectId, { email: "erin@example.com", role: "member" })).ok).toBe(true);
    expect((await setMemberRole(projectDeps(), env.admin, projectId, erin.id, { role: "owner" })).ok).toBe(true);
    const image = await env.addImage({ owner: env.bob, name: "to-share", visibility: "private" });
    const share = await shareImage(env.deps, env.bob, image, { project: projectId });
    if (!share.ok) throw new Error(share.error.message);
    expect((await unshareImage(env.deps, env.bob, image, share.value.id)).ok).toBe(true);
    expect((await removeMember(projectDeps(), env.admin, projectId, erin.id)).ok).toBe(true);

    const trail = await env.db.auditEvent.findMany({
      where: { objectType: { in: ["project", "membership"] }, projectId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });
    expect(trail.map((event) => event.action)).toEqual(["project.create", "project.update", "membership.add", "membership.update", "membership.remove"]);
    expect([json(trail[1].before), json(trail[1].after)]).toEqual([{ name: "Audit team" }, { name: "Audit team 2" }]);
    expect([json(trail[3].before), json(trail[3].after)]).toEqual([
      { userId: erin.id, email: "erin@example.com", role: "member" },
      { userId: erin.id, email: "erin@example.com", role: "owner" },
    ]);
    const shares = await env.db.auditEvent.findMany({ where: { objectType: "share", objectId: share.value.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(shares.map((event) => [event.action, event.actorId])).toEqual([
      ["share.create", env.bob.id],
      ["share.delete", env.bob.id],
    ]);
    // The share is the image's project's event, for that project's owners.
    expect(shares[0].projectId).toBe((await env.db.image.findUniqueOrThrow({ where: { id: image } })).projectId);
  });
});

describe("accounts, passwords, tokens and sign-ins", () => {
  it("records account changes by field, and never a password hash or a token secret", async () => {
    const created = await createAccount(env.db, env.admin, { email: "carol@example.com", name: "Carol" });
    if (!created.ok) throw new Error(created.error.message);
    const carol = created.value.user.id;
    expect((await updateAccount(env.db, env.admin, carol, { role: "admin", name: "Carol" })).ok).toBe(true);
    const [update] = await events("user.update", carol);
    expect([json(update.before), json(update.after)]).toEqual([{ role: "user" }, { role: "admin" }]);
    expect((await resetPassword(env.db, env.admin, carol)).ok).toBe(true);

    const token = await createToken(env.db, viaToken(env.alice, "session-x"), { name: "ci", expiresInDays: 30 });
    if (!token.ok) throw new Error(token.error.message);
    expect((await revokeToken(env.db, env.alice, token.value.token.id)).ok).toBe(true);
    const [tokenEvent] = await events("token.create", token.value.token.id);
    expect(json(tokenEvent.after)).toMatchObject({ name: "ci", prefix: token.value.token.prefix });
    expect(await events("token.revoke", token.value.token.id)).toHaveLength(1);

    const sid = await startSession(env.db, env.bob.id);
    const session = await findSession(env.db, sid);
    if (!session) throw new Error("no session");
    const changed = await changeOwnPassword(env.db, session, { current: "bob-pass", password: "a much better passphrase" }, "198.51.100.4");
    expect(changed.ok).toBe(true);
    expect(await events("user.password_change", env.bob.id)).toHaveLength(1);

    // Nothing secret anywhere in the trail: no hash, no secret, no password.
    const hashes = (await env.db.user.findMany({ select: { passwordHash: true } })).map((user) => user.passwordHash).filter((hash) => hash !== null);
    const stored = JSON.stringify(await env.db.auditEvent.findMany());
    for (const secret of [token.value.secret, hashToken(token.value.secret), "a much better passphrase", "bob-pass", ...hashes])
      expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/passwordHash|\$argon2/);
  });

  it("the recorder drops secret fields whatever a caller passes", async () => {
    await recordAudit(env.db, env.admin, {
      action: "user.update",
      objectId: "careless",
      before: { passwordHash: "$argon2id$v=19$x", name: "a" },
      after: { hash: "abc", secret: "hgr_x", token: "hgr_y", newPassword: "p", name: "b" },
    });
    const [event] = await events("user.update", "careless");
    expect([json(event.before), json(event.after)]).toEqual([{ name: "a" }, { name: "b" }]);
  });

  it("sign-in, sign-out and failed sign-ins, with the email tried and the client's address", async () => {
    const failed = await checkPassword(env.db, { email: "alice@test", password: "wrong guess", clientAddress: "203.0.113.9" });
    expect(failed.ok).toBe(false);
    const unknown = await checkPassword(env.db, { email: "nobody@test", password: "x", clientAddress: "203.0.113.9" });
    expect(unknown.ok).toBe(false);
    const failures = await env.db.auditEvent.findMany({ where: { action: "auth.sign_in_failed", clientAddress: "203.0.113.9" } });
    expect(failures.map((event) => [event.actorId, event.actorEmail, json(event.after)]).sort()).toEqual([
      [null, "alice@test", { method: "password", reason: "wrong_password" }],
      [null, "nobody@test", { method: "password", reason: "wrong_password" }],
    ]);
    expect(JSON.stringify(failures)).not.toContain("wrong guess");

    const sid = await startSession(env.db, env.alice.id, new Date(), { clientAddress: "203.0.113.10", userAgent: "test" });
    const session = await findSession(env.db, sid);
    const signIns = await env.db.auditEvent.findMany({ where: { action: "auth.sign_in", viaId: session?.id } });
    expect(signIns).toMatchObject([{ actorId: env.alice.id, via: "session", clientAddress: "203.0.113.10" }]);
    await endSession(env.db, sid, "203.0.113.10");
    expect(await env.db.auditEvent.count({ where: { action: "auth.sign_out", viaId: session?.id } })).toBe(1);
    // Ending another of one's sessions, and signing out everywhere, are sign-outs too.
    const other = await findSession(env.db, await startSession(env.db, env.alice.id));
    expect((await endOwnSession(env.db, env.alice, other?.id)).ok).toBe(true);
    expect((await endOwnSession(env.db, env.bob, session?.id)).ok).toBe(false);
    await startSession(env.db, env.alice.id);
    expect(await endAllOwnSessions(env.db, env.alice)).toBeGreaterThan(0);
    const signOuts = await env.db.auditEvent.findMany({ where: { action: "auth.sign_out", actorId: env.alice.id } });
    expect(signOuts.map((event) => json(event.after))).toEqual(
      expect.arrayContaining([{ sessionEnded: other?.id }, { sessionsEnded: expect.any(Number) as number }]),
    );
    // The session id the trail keeps is the row's (a hash), not the cookie's secret.
    expect(JSON.stringify(signIns)).not.toContain(sid);
  });

  it("an account a single sign-on creates or brings up to date is recorded as the system's doing", async () => {
    const options = {
      groups: { adminGroups: ["admins"], creatorGroups: ["builders"], projects: parseGroupProjects("", "V"), ignoreCase: false },
      trustEmail: false,
    };
    const profile = { source: "oidc" as const, externalId: "https://idp#frank", email: "frank@example.com", emailVerified: true, name: "Frank", groups: [] };
    const created = await provisionSsoUser(env.db, profile, options);
    if (!created.ok) throw new Error(created.error.message);
    await provisionSsoUser(env.db, { ...profile, name: "Frank Lloyd" }, options);
    await provisionSsoUser(env.db, { ...profile, name: "Frank Lloyd" }, options);
    // Joining a creator group is recorded as the admin role is.
    await provisionSsoUser(env.db, { ...profile, name: "Frank Lloyd", groups: ["builders"] }, options);
    const trail = await env.db.auditEvent.findMany({ where: { objectId: created.value.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(trail.map((event) => [event.action, event.via, event.actorId])).toEqual([
      ["user.create", "system", null],
      ["user.update", "system", null],
      ["user.update", "system", null],
    ]);
    expect([json(trail[1].before), json(trail[1].after)]).toEqual([{ name: "Frank" }, { name: "Frank Lloyd" }]);
    expect([json(trail[2].before), json(trail[2].after)]).toEqual([{ projectCreator: false }, { projectCreator: true }]);
  });
});
