import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { upsertUser } from "@/lib/auth/users";
import { makeCatalogTestEnv, type CatalogTestEnv } from "@/lib/testing/catalog-env";

// The project page's actions as a client reaches them: the signed-in actor and the database are the
// test's; parsing, the policy and the domain are real. Each refusal must leave everything as it was.
const session = vi.hoisted(() => ({ actor: null as Actor | null, env: null as CatalogTestEnv | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/auth/session", () => ({ currentActor: () => Promise.resolve(session.actor) }));
vi.mock("@/lib/projects/runtime", () => ({ projectDeps: () => ({ db: session.env?.db, defaultQuota: null }) }));

const actions = await import("./actions");
type AnyAction = (...args: unknown[]) => Promise<{ ok: boolean; message?: string }>;
// What any client can send: the TypeScript signatures bind only our own callers.
const call = (action: (...args: never[]) => Promise<unknown>, ...args: unknown[]) => (action as unknown as AnyAction)(...args);

let env: CatalogTestEnv;
let owner: Actor;
let member: Actor;
let viewer: Actor;
let stranger: Actor;
let newcomer: Actor;
let projectId: string;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
  session.env = env;
  const person = (name: string) => upsertUser(env.db, { email: `${name}@test`, name, password: `${name}-password`, role: "user" });
  [owner, member, viewer, stranger] = await Promise.all([person("owner"), person("member"), person("viewer"), person("stranger")]);
  newcomer = await upsertUser(env.db, { email: "newcomer@example.com", name: "Newcomer", password: "newcomer-password", role: "user" });
  const project = await env.db.project.create({
    data: {
      name: "Actions team",
      nameKey: "actions team",
      kind: "team",
      members: {
        create: [
          { userId: owner.id, role: "owner" },
          { userId: member.id, role: "member" },
          { userId: viewer.id, role: "viewer" },
        ],
      },
    },
  });
  projectId = project.id;
});
afterAll(async () => {
  await env.close();
});

const state = async () =>
  JSON.stringify(
    {
      members: await env.db.projectMember.findMany({ where: { projectId }, select: { userId: true, role: true }, orderBy: { userId: "asc" } }),
      project: await env.db.project.findUniqueOrThrow({ where: { id: projectId }, select: { name: true, quotaBytes: true } }),
      projects: await env.db.project.count(),
    },
    (_, value: unknown) => (typeof value === "bigint" ? String(value) : value),
  );

/** Every mutation of the project page, as one actor would try it. */
const MUTATIONS = {
  "add a member": () => call(actions.addMemberAction, projectId, { email: newcomer.email, role: "owner" }),
  "change a role": () => call(actions.setMemberRoleAction, projectId, viewer.id, "owner"),
  "remove a member": () => call(actions.removeMemberAction, projectId, member.id),
  "set the quota": () => call(actions.setQuotaAction, projectId, "1 TiB"),
  "create a project": () => call(actions.createProjectAction, { name: "Made by anyone" }),
};

describe("the project page's actions refuse whoever must not, and change nothing", () => {
  it.each<[string, () => Actor | null, RegExp, string[]]>([
    ["anonymous", () => null, /Sign in first/, Object.keys(MUTATIONS)],
    ["a stranger", () => stranger, /No such project|Only administrators/, Object.keys(MUTATIONS)],
    ["a viewer", () => viewer, /Only owners|Only administrators/, Object.keys(MUTATIONS)],
    ["a member", () => member, /Only owners|Only administrators/, Object.keys(MUTATIONS)],
    ["an owner", () => owner, /Only administrators/, ["set the quota", "create a project"]],
  ])("%s", async (_, actor, message, refused) => {
    session.actor = actor();
    for (const name of refused) {
      const before = await state();
      const result = await MUTATIONS[name as keyof typeof MUTATIONS]();
      expect([name, result.ok]).toEqual([name, false]);
      expect(result.message).toMatch(message);
      expect(await state()).toBe(before);
    }
  });

  it("arguments of the wrong shape get a message, not a crash", async () => {
    session.actor = env.admin;
    const before = await state();
    for (const bad of [null, 42, ["x"], {}, "x".repeat(500)]) {
      for (const result of [
        await call(actions.addMemberAction, bad, { email: newcomer.email, role: "viewer" }),
        await call(actions.addMemberAction, projectId, bad),
        await call(actions.setMemberRoleAction, projectId, bad, "owner"),
        await call(actions.setMemberRoleAction, projectId, viewer.id, bad),
        await call(actions.removeMemberAction, projectId, bad),
        await call(actions.setQuotaAction, bad, "1 GiB"),
        await call(actions.createProjectAction, bad),
      ])
        expect([result.ok, typeof result.message, result.message?.length !== 0]).toEqual([false, "string", true]);
    }
    expect(await state()).toBe(before);
  });
});

describe("what owners and administrators do", () => {
  it("an owner adds a member by email, changes their role and removes them; the last owner stays, with the domain's message", async () => {
    session.actor = owner;
    expect(await call(actions.addMemberAction, projectId, { email: newcomer.email, role: "viewer" })).toEqual({ ok: true });
    expect(await call(actions.setMemberRoleAction, projectId, newcomer.id, "member")).toEqual({ ok: true });
    expect(await env.db.projectMember.findUniqueOrThrow({ where: { projectId_userId: { projectId, userId: newcomer.id } } })).toMatchObject({ role: "member" });
    expect(await call(actions.removeMemberAction, projectId, newcomer.id)).toEqual({ ok: true });
    expect(await call(actions.removeMemberAction, projectId, owner.id)).toEqual({
      ok: false,
      message: "A project keeps at least one owner: make someone else an owner first.",
    });
    expect(await call(actions.addMemberAction, projectId, { email: "nobody@example.com", role: "viewer" })).toMatchObject({
      ok: false,
      fields: { email: "No account has this email." },
    });
  });

  it("an administrator creates a team project (and owns it) and sets its quota; a bad quota is explained", async () => {
    session.actor = env.admin;
    const created = await call(actions.createProjectAction, { name: "Admin's team", quotaBytes: "2 GiB" });
    if (!created.ok || !("id" in created)) throw new Error(created.message);
    const id = created.id as string;
    expect(await env.db.project.findUniqueOrThrow({ where: { id }, include: { members: true } })).toMatchObject({
      kind: "team",
      quotaBytes: 2n * 1024n ** 3n,
      members: [{ userId: env.admin.id, role: "owner" }],
    });
    expect(await call(actions.setQuotaAction, id, "5 GiB")).toEqual({ ok: true });
    expect((await env.db.project.findUniqueOrThrow({ where: { id } })).quotaBytes).toBe(5n * 1024n ** 3n);
    expect(await call(actions.setQuotaAction, id, "lots")).toMatchObject({ ok: false });
    expect(await call(actions.setQuotaAction, id, "")).toEqual({ ok: true });
    expect((await env.db.project.findUniqueOrThrow({ where: { id } })).quotaBytes).toBeNull();
  });
});
