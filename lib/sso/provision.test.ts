import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountSummaries } from "../accounts/list";
import { upsertUser } from "../auth/users";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { type GroupMapping, parseGroupProjects } from "./groups";
import { provisionSsoUser, type SsoProfile } from "./provision";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(() => env.close());

const groups: GroupMapping = {
  adminGroups: ["hangar-admins"],
  creatorGroups: ["builders"],
  projects: parseGroupProjects("ops=Operations:owner", "V"),
  ignoreCase: false,
};
const options = { groups, trustEmail: false };
let subjects = 0;
const profile = (overrides: Partial<SsoProfile> = {}): SsoProfile => ({
  source: "oidc",
  externalId: `https://id.example.com#${++subjects}`,
  email: `person${subjects}@example.com`,
  emailVerified: true,
  name: "Ada Lovelace",
  groups: [],
  ...overrides,
});
const userOf = (id: string) => env.db.user.findUniqueOrThrow({ where: { id } });

describe("an account from a single sign-on", () => {
  it("the first sign-in creates the account with its source and id; later ones find it and bring name, email and role up to date", async () => {
    const first = profile({ groups: ["ops"] });
    const created = await provisionSsoUser(env.db, first, options);
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value).toMatchObject({ email: first.email, name: "Ada Lovelace", role: "user" });
    expect(await userOf(created.value.id)).toMatchObject({ authSource: "oidc", externalId: first.externalId, passwordHash: null });
    // Like every account, it has its personal project, which it owns.
    const personal = await env.db.project.findUniqueOrThrow({ where: { personalUserId: created.value.id }, include: { members: true } });
    expect([personal.kind, personal.name, personal.members.map((member) => [member.userId, member.role])]).toEqual([
      "personal",
      first.email,
      [[created.value.id, "owner"]],
    ]);

    const later = await provisionSsoUser(env.db, { ...first, email: "Ada@Example.org", name: "Ada King", groups: ["hangar-admins"] }, options);
    expect(later).toEqual({ ok: true, value: { id: created.value.id, email: "ada@example.org", name: "Ada King", role: "admin" } });

    const left = await provisionSsoUser(env.db, { ...first, email: "ada@example.org", name: "Ada King", groups: [] }, options);
    expect(left.ok && left.value.role).toBe("user");
    expect(await env.db.user.count({ where: { externalId: first.externalId } })).toBe(1);
    // Administrators see it active (it needs no Hangar password, it is not "invited") and how it signs in.
    expect(await accountSummaries(env.db, [created.value.id])).toMatchObject([{ status: "active", source: "oidc" }]);
  });

  it("a disabled account stays refused, on the sign-in that finds it", async () => {
    const someone = profile();
    const created = await provisionSsoUser(env.db, someone, options);
    if (!created.ok) throw new Error(created.error.message);
    await env.db.user.update({ where: { id: created.value.id }, data: { disabledAt: new Date() } });
    const refused = await provisionSsoUser(env.db, { ...someone, groups: ["hangar-admins"] }, options);
    expect(refused).toMatchObject({ ok: false, refusal: "disabled", error: { code: "forbidden", message: "This account is disabled. Ask an administrator." } });
    expect(await userOf(created.value.id)).toMatchObject({ role: "user" });
  });

  it("links a local account of the same email when the provider vouches for the email, else refuses", async () => {
    const local = await upsertUser(env.db, { email: "grace@example.com", name: "Grace", password: "local password 1", role: "user" });
    const unverified = await provisionSsoUser(env.db, profile({ email: "Grace@example.com", emailVerified: false }), options);
    expect(unverified).toMatchObject({ ok: false, refusal: "email_unverified" });
    expect(await userOf(local.id)).toMatchObject({ authSource: "local", externalId: null });

    const trusted = await provisionSsoUser(env.db, profile({ email: "grace@example.com", emailVerified: false }), { ...options, trustEmail: true });
    expect(trusted.ok && trusted.value.id).toBe(local.id);
    expect(await userOf(local.id)).toMatchObject({ authSource: "oidc" });
  });

  it("an account that signs in another way is not taken over by an email", async () => {
    const ldap = await provisionSsoUser(env.db, profile({ source: "ldap", email: "linus@example.com" }), options);
    expect(ldap.ok).toBe(true);
    expect(await provisionSsoUser(env.db, profile({ email: "linus@example.com" }), options)).toMatchObject({ ok: false, refusal: "email_taken" });
  });

  it("refuses a first sign-in without an email, and keeps the email of a later one that another account holds", async () => {
    expect(await provisionSsoUser(env.db, profile({ email: null }), options)).toMatchObject({ ok: false, refusal: "no_email" });
    const someone = profile();
    await provisionSsoUser(env.db, someone, options);
    const kept = await provisionSsoUser(env.db, { ...someone, email: env.admin.email }, options);
    expect(kept.ok && kept.value.email).toBe(someone.email);
  });

  it("without admin groups configured, roles are left to administrators", async () => {
    const someone = profile();
    const created = await provisionSsoUser(env.db, someone, options);
    if (!created.ok) throw new Error(created.error.message);
    await env.db.user.update({ where: { id: created.value.id }, data: { role: "admin" } });
    const again = await provisionSsoUser(env.db, someone, { ...options, groups: { ...groups, adminGroups: [] } });
    expect(again.ok && again.value.role).toBe("admin");
  });

  it("creator groups give the right to create team projects at every sign-in, and take it back; not configured, they leave it alone", async () => {
    const someone = profile({ groups: ["builders"] });
    const created = await provisionSsoUser(env.db, someone, options);
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.projectCreator).toBe(true);
    expect(await userOf(created.value.id)).toMatchObject({ role: "user", projectCreator: true });
    const left = await provisionSsoUser(env.db, { ...someone, groups: [] }, options);
    expect(left.ok && left.value.projectCreator).toBeUndefined();
    expect((await userOf(created.value.id)).projectCreator).toBe(false);
    await env.db.user.update({ where: { id: created.value.id }, data: { projectCreator: true } });
    await provisionSsoUser(env.db, { ...someone, groups: [] }, { ...options, groups: { ...groups, creatorGroups: [] } });
    expect((await userOf(created.value.id)).projectCreator).toBe(true);
  });

  it("the groups never demote the last active administrator", async () => {
    const someone = profile({ groups: ["hangar-admins"] });
    const created = await provisionSsoUser(env.db, someone, options);
    if (!created.ok) throw new Error(created.error.message);
    const others = await env.db.user.updateMany({ where: { role: "admin", id: { not: created.value.id } }, data: { role: "user" } });
    const kept = await provisionSsoUser(env.db, { ...someone, groups: [] }, options);
    expect(kept.ok && kept.value.role).toBe("admin");
    expect(others.count).toBeGreaterThan(0);
    await env.db.user.update({ where: { id: env.admin.id }, data: { role: "admin" } });
  });
});

describe("team memberships from the groups (HANGAR_*_GROUP_PROJECTS), applied at every sign-in", () => {
  const mapping: GroupMapping = {
    adminGroups: ["hangar-admins"],
    creatorGroups: [],
    projects: parseGroupProjects("devs=Sync Builds:member; leads=Sync Builds:owner; qa=Sync QA:viewer", "V"),
    ignoreCase: false,
  };
  const mapped = { groups: mapping, trustEmail: false };
  const membershipsOf = async (userId: string) =>
    (
      await env.db.projectMember.findMany({
        where: { userId, project: { kind: "team" } },
        select: { role: true, source: true, project: { select: { name: true } } },
      })
    )
      .map((row) => `${row.project.name}:${row.role}:${row.source}`)
      .sort();
  const signIn = async (someone: SsoProfile, groupNames: string[]) => {
    const result = await provisionSsoUser(env.db, { ...someone, groups: groupNames }, mapped);
    if (!result.ok) throw new Error(result.error.message);
    return result.value.id;
  };

  it("the first sign-in adds the mapped projects (creating a team project the mapping names), later ones follow the groups", async () => {
    const someone = profile();
    const id = await signIn(someone, ["devs", "qa", "unmapped"]);
    expect(await membershipsOf(id)).toEqual(["Sync Builds:member:sso", "Sync QA:viewer:sso"]);
    expect(await env.db.project.findUniqueOrThrow({ where: { nameKey: "sync builds" } })).toMatchObject({ kind: "team", name: "Sync Builds" });
    // Two groups on one project: the stronger role; a group left: what it gave goes.
    await signIn(someone, ["devs", "leads"]);
    expect(await membershipsOf(id)).toEqual(["Sync Builds:owner:sso"]);
    // (Another owner first: the groups never take the last owner's role away, below.)
    const builds = await env.db.project.findUniqueOrThrow({ where: { nameKey: "sync builds" } });
    await env.db.projectMember.upsert({
      where: { projectId_userId: { projectId: builds.id, userId: env.admin.id } },
      create: { projectId: builds.id, userId: env.admin.id, role: "owner" },
      update: {},
    });
    await signIn(someone, ["devs"]);
    expect(await membershipsOf(id)).toEqual(["Sync Builds:member:sso"]);
    // Every change the groups made is in the audit trail, as the system's doing.
    const trail = await env.db.auditEvent.findMany({
      where: { OR: [{ projectId: builds.id }, { action: "project.create", objectId: builds.id }], via: "system" },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      select: { action: true, actorId: true, before: true, after: true },
    });
    expect(trail.map((event) => [event.action, event.actorId])).toEqual([
      ["project.create", null],
      ["membership.add", null],
      ["membership.update", null],
      ["membership.update", null],
    ]);
    expect(trail.map((event) => event.after)).toContain(JSON.stringify({ role: "member" }));
  });

  it("a membership a person gave is never changed or removed by the groups, and an owner's change makes one theirs", async () => {
    const someone = profile();
    const id = await signIn(someone, ["devs"]);
    const qa = await env.db.project.findUniqueOrThrow({ where: { nameKey: "sync qa" } });
    await env.db.projectMember.create({ data: { projectId: qa.id, userId: id, role: "owner" } });
    await signIn(someone, ["qa"]);
    expect(await membershipsOf(id)).toEqual(["Sync QA:owner:manual"]);
    // The owner raised the role by hand (source becomes manual): leaving the group no longer removes it.
    const builds = await env.db.project.findUniqueOrThrow({ where: { nameKey: "sync builds" } });
    await signIn(someone, ["devs", "qa"]);
    await env.db.projectMember.update({ where: { projectId_userId: { projectId: builds.id, userId: id } }, data: { role: "owner", source: "manual" } });
    await signIn(someone, []);
    expect(await membershipsOf(id)).toEqual(["Sync Builds:owner:manual", "Sync QA:owner:manual"]);
  });

  it("the groups never leave a project without an owner", async () => {
    const solo = parseGroupProjects("founders=Sync Solo:owner", "V");
    const someone = profile();
    const options = { groups: { ...mapping, projects: solo }, trustEmail: false };
    const first = await provisionSsoUser(env.db, { ...someone, groups: ["founders"] }, options);
    if (!first.ok) throw new Error(first.error.message);
    await provisionSsoUser(env.db, { ...someone, groups: [] }, options);
    expect(await membershipsOf(first.value.id)).toEqual(["Sync Solo:owner:sso"]);
    const demoted = { groups: { ...mapping, projects: parseGroupProjects("founders=Sync Solo:viewer", "V") }, trustEmail: false };
    await provisionSsoUser(env.db, { ...someone, groups: ["founders"] }, demoted);
    expect(await membershipsOf(first.value.id)).toEqual(["Sync Solo:owner:sso"]);
  });
});
