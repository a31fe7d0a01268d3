import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccountAction, decideAccount } from "../lib/accounts/policy";
import { OPERATIONS } from "../lib/api/operations";
import type { Actor } from "../lib/auth/actor";
import { findSession } from "../lib/auth/sessions";
import { authenticateToken, createToken } from "../lib/auth/tokens";
import { upsertUser } from "../lib/auth/users";
import type { ProjectAction } from "../lib/catalog/actions";
import {
  type Decision,
  type ImageSubject,
  judge,
  judgeAllProjectsListing,
  judgeProject,
  judgeProjectCreation,
  type Judgement,
  type ProjectSubject,
} from "../lib/catalog/policy";
import { imageSubject, membershipsOf, projectSubject } from "../lib/catalog/standing";
import type { ImageShare, Project, ProjectMember } from "../lib/db/generated/client";
import { ensurePersonalProject } from "../lib/projects/personal";
import { type HangarServer, startHangarServer } from "../lib/testing/hangar-server";
import { callAction } from "../lib/testing/server-actions";

// The authorization matrix of projects, memberships, shares and accounts over HTTP, against the production build:
// every actor of issue 14 x every operation, through the REST API and through the portal's server actions. What
// each may do is asked of the policy (lib/catalog/policy.ts, lib/accounts/policy.ts, pinned against hand-written
// tables in lib/catalog/project-authorization.test.ts); this suite checks that every door does what it says, and
// that a refusal changes nothing. An API operation on projects, shares or users added without a line here fails
// the suite. One server, seeded once: a cell that changed something (it was allowed to) is undone before the next.

type ActorName =
  | "anonymous"
  | "viewer"
  | "member"
  | "owner"
  | "member of another project"
  | "share recipient"
  | "admin"
  | "project creator"
  | "disabled owner"
  | "read-only token"
  | "upload-only token"
  | "token of another project"
  | "admin's token"
  | "admin's read-only token"
  | "admin's token of another project";
const SESSIONS: ActorName[] = ["viewer", "member", "owner", "member of another project", "share recipient", "admin", "project creator", "disabled owner"];

/** The seeded world: team project P (with image I), E (empty, the same members, for deletion), Q and R (I is shared with R). */
interface World {
  p: string;
  e: string;
  image: string;
  /** I's share to a bystander, for revoking. */
  shareId: string;
  viewer: string;
  member: string;
}
/** How one actor stands toward the world, as the server weighs it (lib/catalog/standing.ts). */
interface Standing {
  actor: Actor;
  p: ProjectSubject;
  e: ProjectSubject;
  image: ImageSubject;
}
/** A fresh account an account operation is about. */
type Target = { id: string; suffix: string };

type Outcome = Decision | "unauthenticated" | "conflict" | "not_found";
/** The first refusal among the policy's judgements (an operation asks for each in turn), else allow. */
const first = (...judgements: Judgement[]): Outcome => judgements.find((judgement) => judgement.decision !== "allow")?.decision ?? "allow";
const onProject =
  (which: "p" | "e", ...actions: ProjectAction[]) =>
  (s: Standing) =>
    first(...actions.map((action) => judgeProject(s.actor, action, s[which])));
const onAccounts =
  (...actions: AccountAction[]) =>
  (s: Standing, target: Target): Outcome => {
    for (const action of actions) {
      const decided = decideAccount(s.actor, action, { id: target.id, role: "user", disabled: false });
      if (!decided.ok) return decided.error.code === "forbidden" ? "forbidden" : "conflict";
    }
    return "allow";
  };

interface Operation {
  /** What the policy says the actor gets. */
  policy: (standing: Standing, target: Target) => Outcome;
  /** The REST API's request, by operationId. */
  api?: { id: string; method: string; path: (w: World, t: Target) => string; body?: (w: World, t: Target) => unknown };
  /** The portal's server action, on the page that offers it. */
  action?: { name: string; page: (w: World) => string; args: (w: World, t: Target) => unknown[] };
}

const OPERATIONS_UNDER_TEST: Record<string, Operation> = {
  "list own projects": { policy: () => "allow", api: { id: "listProjects", method: "GET", path: () => "/projects" } },
  "list every project": {
    policy: (s) => first(judgeAllProjectsListing(s.actor)),
    api: { id: "listProjects", method: "GET", path: () => "/projects?all=true" },
  },
  "create a project": {
    policy: (s) => first(judgeProjectCreation(s.actor)),
    api: { id: "createProject", method: "POST", path: () => "/projects", body: (_, t) => ({ name: `made-${t.suffix}` }) },
    action: { name: "createProjectAction", page: () => "/images", args: (_, t) => [{ name: `made-${t.suffix}` }] },
  },
  "get a project": { policy: onProject("p", "view"), api: { id: "getProject", method: "GET", path: (w) => `/projects/${w.p}` } },
  "rename a project": {
    policy: onProject("p", "view", "rename"),
    api: { id: "updateProject", method: "PATCH", path: (w) => `/projects/${w.p}`, body: (_, t) => ({ name: `renamed-${t.suffix}` }) },
  },
  "set a project's quota": {
    policy: onProject("p", "view", "set_quota"),
    api: { id: "updateProject", method: "PATCH", path: (w) => `/projects/${w.p}`, body: () => ({ quotaBytes: "1TiB" }) },
    action: { name: "setQuotaAction", page: (w) => `/projects/${w.p}`, args: (w) => [w.p, "1 TiB"] },
  },
  "delete a project": { policy: onProject("e", "delete"), api: { id: "deleteProject", method: "DELETE", path: (w) => `/projects/${w.e}` } },
  "list members": { policy: onProject("p", "view"), api: { id: "listProjectMembers", method: "GET", path: (w) => `/projects/${w.p}/members` } },
  "add a member": {
    policy: onProject("p", "manage_members"),
    api: { id: "addProjectMember", method: "POST", path: (w) => `/projects/${w.p}/members`, body: () => ({ email: NEWCOMER, role: "viewer" }) },
    action: { name: "addMemberAction", page: (w) => `/projects/${w.p}`, args: (w) => [w.p, { email: NEWCOMER, role: "viewer" }] },
  },
  "change a member's role": {
    policy: onProject("p", "manage_members"),
    api: { id: "updateProjectMember", method: "PATCH", path: (w) => `/projects/${w.p}/members/${w.viewer}`, body: () => ({ role: "member" }) },
    action: { name: "setMemberRoleAction", page: (w) => `/projects/${w.p}`, args: (w) => [w.p, w.viewer, "member"] },
  },
  "remove a member": {
    policy: onProject("p", "manage_members"),
    api: { id: "removeProjectMember", method: "DELETE", path: (w) => `/projects/${w.p}/members/${w.member}` },
    action: { name: "removeMemberAction", page: (w) => `/projects/${w.p}`, args: (w) => [w.p, w.member] },
  },
  "list a project's shares": { policy: onProject("p", "view"), api: { id: "listProjectShares", method: "GET", path: (w) => `/projects/${w.p}/shares` } },
  "list an image's shares": {
    policy: (s) => first(judge(s.actor, "view_shares", s.image)),
    api: { id: "listImageShares", method: "GET", path: (w) => `/images/${w.image}/shares` },
    action: { name: "imageSharesAction", page: () => "/images", args: (w) => [w.image] },
  },
  "share an image": {
    policy: (s) => first(judge(s.actor, "share", s.image)),
    api: { id: "shareImage", method: "POST", path: (w) => `/images/${w.image}/shares`, body: () => ({ project: "matrix-q" }) },
    action: { name: "shareAction", page: () => "/images", args: (w) => [w.image, { project: "matrix-q" }] },
  },
  "revoke a share": {
    policy: (s) => first(judge(s.actor, "unshare", s.image)),
    api: { id: "unshareImage", method: "DELETE", path: (w) => `/images/${w.image}/shares/${w.shareId}` },
    action: { name: "unshareAction", page: () => "/images", args: (w) => [w.image, w.shareId] },
  },
  "list users": { policy: onAccounts("list"), api: { id: "listUsers", method: "GET", path: () => "/users" } },
  "create a user": {
    policy: onAccounts("create"),
    api: { id: "createUser", method: "POST", path: () => "/users", body: (_, t) => ({ email: `new-${t.suffix}@example.com`, name: "New" }) },
    action: { name: "createUserAction", page: () => "/admin/users", args: (_, t) => [{ email: `action-${t.suffix}@example.com`, name: "New" }] },
  },
  "get a user": { policy: onAccounts("view"), api: { id: "getUser", method: "GET", path: (_, t) => `/users/${t.id}` } },
  "update a user": {
    policy: onAccounts("view", "set_role", "set_quota", "disable"),
    api: { id: "updateUser", method: "PATCH", path: (_, t) => `/users/${t.id}`, body: () => ({ role: "admin", quotaBytes: "1TiB", disabled: true }) },
    action: { name: "updateUserAction", page: () => "/admin/users", args: (_, t) => [t.id, { role: "admin", quotaBytes: "1TiB", disabled: true }] },
  },
  "delete a user": {
    policy: onAccounts("view", "delete"),
    api: { id: "deleteUser", method: "DELETE", path: (_, t) => `/users/${t.id}?images=delete` },
    action: { name: "deleteUserAction", page: () => "/admin/users", args: (_, t) => [t.id, { images: "delete" }] },
  },
  "reset a user's password": {
    policy: onAccounts("view", "reset_password"),
    api: { id: "resetUserPassword", method: "POST", path: (_, t) => `/users/${t.id}/password-reset` },
    action: { name: "resetPasswordAction", page: () => "/admin/users", args: (_, t) => [t.id] },
  },
};
/** The account "Newcomer" (person() below), whom owners add. */
const NEWCOMER = "newcomer@matrix.test";

/** A refused (or allowed) operation as HTTP statuses. */
const STATUS: Record<Outcome, readonly number[]> = {
  allow: [200, 201, 204],
  unauthenticated: [401],
  forbidden: [403],
  hidden: [404],
  not_found: [404],
  not_yet: [409],
  not_applicable: [409],
  conflict: [409],
  gone: [410],
};

let server: HangarServer;
let world: World;
const credentials = new Map<ActorName, Record<string, string>>();
/** Who each actor is to the server (null: nobody, as for a disabled account), and how it stands toward the world. */
const standings = new Map<ActorName, Standing | null>();
let serial = 0;

/** Everything an operation of this suite could change, to check that a refusal changed nothing. */
async function snapshot(): Promise<string> {
  const { db } = server;
  const order = { orderBy: { id: "asc" as const } };
  return JSON.stringify(
    {
      projects: await db.project.findMany(order),
      members: await db.projectMember.findMany(order),
      shares: await db.imageShare.findMany(order),
      users: await db.user.findMany(order),
      images: await db.image.findMany({ ...order, select: { id: true, projectId: true, status: true } }),
      links: await db.passwordLink.count(),
    },
    (_, value: unknown) => (typeof value === "bigint" ? String(value) : value),
  );
}

/** The seeded projects, memberships and shares, as rows to put back. */
let seeded: { projects: Project[]; members: ProjectMember[]; shares: ImageShare[] };

/** Undoes what an allowed cell did to the seeded team projects, their members and I's shares (accounts are fresh per cell). */
async function restore() {
  const { db } = server;
  const teams = seeded.projects.filter((project) => project.kind === "team").map((project) => project.id);
  await db.imageShare.deleteMany({ where: { imageId: world.image, id: { notIn: seeded.shares.map((share) => share.id) } } });
  await db.projectMember.deleteMany({ where: { projectId: { in: teams }, id: { notIn: seeded.members.map((member) => member.id) } } });
  await db.project.deleteMany({ where: { kind: "team", id: { notIn: seeded.projects.map((project) => project.id) } } });
  for (const project of seeded.projects) await db.project.upsert({ where: { id: project.id }, create: project, update: project });
  for (const member of seeded.members) await db.projectMember.upsert({ where: { id: member.id }, create: member, update: member });
  for (const share of seeded.shares) await db.imageShare.upsert({ where: { id: share.id }, create: share, update: share });
}

async function person(name: string): Promise<Actor> {
  const slug = name.replace(/\W/g, "-").toLowerCase();
  return upsertUser(server.db, { email: `${slug}@matrix.test`, name, password: `${slug}-password`, role: "user" });
}

async function token(actor: Actor, input: Record<string, unknown>): Promise<string> {
  const created = await createToken(server.db, actor, { name: `matrix-${++serial}`, expiresInDays: "30", ...input });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.secret;
}

beforeAll(async () => {
  server = await startHangarServer();
  const { db } = server;
  const [viewer, member, owner, other, recipient, creator, disabled, bystander] = await Promise.all(
    ["Viewer", "Member", "Owner", "Other", "Recipient", "Creator", "Disabled", "Bystander"].map(person),
  );
  await person("Newcomer");
  // As a group of HANGAR_*_PROJECT_CREATOR_GROUPS makes one at sign-in (lib/sso).
  await db.user.update({ where: { id: creator.id }, data: { projectCreator: true } });
  const team = (name: string, members: [Actor, string][]) =>
    db.project.create({
      data: { name, nameKey: name, kind: "team", members: { create: members.map(([actor, role]) => ({ userId: actor.id, role })) } },
      select: { id: true },
    });
  const roles: [Actor, string][] = [
    [viewer, "viewer"],
    [member, "member"],
    [owner, "owner"],
    [disabled, "owner"],
  ];
  const [p, e, q, r] = await Promise.all([
    team("matrix-p", roles),
    team("matrix-e", roles),
    team("matrix-q", [[other, "member"]]),
    team("matrix-r", [[recipient, "member"]]),
  ]);
  const image = await server.addImage({ owner, projectId: p.id, name: "matrix-image", visibility: "private" });
  await db.imageShare.create({ data: { imageId: image, projectId: r.id, createdById: owner.id } });
  const share = await db.imageShare.create({ data: { imageId: image, userId: bystander.id, createdById: owner.id } });
  world = { p: p.id, e: e.id, image, shareId: share.id, viewer: viewer.id, member: member.id };

  const sessions = new Map<ActorName, string>();
  const people: Record<string, Actor> = {
    viewer,
    member,
    owner,
    "member of another project": other,
    "share recipient": recipient,
    admin: server.admin,
    "project creator": creator,
    "disabled owner": disabled,
  };
  for (const name of SESSIONS) {
    const { sid, cookie } = await server.session(people[name]);
    sessions.set(name, sid);
    credentials.set(name, { cookie });
  }
  // Disabled while its session is open: the row stays, the next request must find nobody.
  await db.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
  const tokens: [ActorName, Actor, Record<string, unknown>][] = [
    ["read-only token", owner, { scope: "read" }],
    ["upload-only token", owner, { scope: "upload" }],
    ["token of another project", owner, { projectId: (await ensurePersonalProject(db, owner)).id }],
    ["admin's token", server.admin, {}],
    ["admin's read-only token", server.admin, { scope: "read" }],
    ["admin's token of another project", server.admin, { projectId: q.id }],
  ];
  const tokenSecrets = new Map<ActorName, string>();
  for (const [name, actor, input] of tokens) {
    tokenSecrets.set(name, await token(actor, input));
    credentials.set(name, { authorization: `Bearer ${tokenSecrets.get(name)}` });
  }
  credentials.set("anonymous", {});

  // Who each credential is, as the server's authentication finds it, and how that actor stands.
  const imageRow = await db.image.findUniqueOrThrow({ where: { id: image }, include: { shares: { select: { projectId: true, userId: true } } } });
  for (const name of credentials.keys()) {
    const actor = await authenticated(sessions.get(name), tokenSecrets.get(name));
    if (!actor) {
      standings.set(name, null);
      continue;
    }
    const memberships = await membershipsOf(db, actor);
    const subject = async (id: string) => (await projectSubject(db, memberships, id)) as ProjectSubject;
    standings.set(name, { actor, p: await subject(p.id), e: await subject(e.id), image: imageSubject(actor, memberships, imageRow) });
  }
  seeded = { projects: await db.project.findMany(), members: await db.projectMember.findMany(), shares: await db.imageShare.findMany() };
});
afterAll(async () => {
  await server.close();
});

/** The actor a session or an API token stands for, as the server's authentication finds it; null for nobody. */
async function authenticated(sid: string | undefined, secret: string | undefined): Promise<Actor | null> {
  if (sid) return (await findSession(server.db, sid))?.actor ?? null;
  if (!secret) return null;
  const found = await authenticateToken(server.db, secret);
  return found.ok ? found.value.actor : null;
}

/** A fresh account for the account operations, with an image of its own, so that deleting it has something to decide. */
async function target(): Promise<Target> {
  const suffix = `${++serial}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await server.db.user.create({ data: { email: `target-${suffix}@example.com`, name: "Target", passwordHash: "x" } });
  await server.addImage({ owner: { id: user.id, email: user.email, name: user.name, role: "user" }, name: "kept", visibility: "private" });
  return { id: user.id, suffix };
}

const expected = (name: ActorName, operation: Operation, t: Target): Outcome => {
  const standing = standings.get(name);
  return standing ? operation.policy(standing, t) : "unauthenticated";
};

/** Until the server's own validations of the images seeded so far are over: their move to ready is not a cell's doing. */
async function validationsOver(): Promise<void> {
  await expect.poll(() => server.db.image.count({ where: { status: "validating" } }), { timeout: 60_000 }).toBe(0);
}

/** Runs one cell: whether the door answered what the policy says, and whether a refusal left everything as it was. */
async function cell(name: string, outcome: Outcome, attempt: () => Promise<{ right: boolean; detail: string }>): Promise<string[]> {
  await validationsOver();
  const before = await snapshot();
  const { right, detail } = await attempt();
  const wrong = right ? [] : [`${name}: ${detail}, the policy says ${outcome}`];
  const after = await snapshot();
  if (outcome !== "allow" && after !== before) wrong.push(`${name}: refused, but something changed`);
  if (after !== before) await restore();
  return wrong;
}

const TOKENS: ActorName[] = [
  "read-only token",
  "upload-only token",
  "token of another project",
  "admin's token",
  "admin's read-only token",
  "admin's token of another project",
];
const API_CELLS = Object.entries(OPERATIONS_UNDER_TEST).flatMap(([name, operation]) => (operation.api ? [{ name, operation, api: operation.api }] : []));
const ACTION_CELLS = Object.entries(OPERATIONS_UNDER_TEST).flatMap(([name, operation]) =>
  operation.action ? [{ name, operation, action: operation.action }] : [],
);

it("the matrix covers every API operation on projects, shares and users in lib/api/operations.ts", () => {
  const covered = (path: string) => path.startsWith("/projects") || path.startsWith("/users") || /^\/images\/\{id\}\/shares/.test(path);
  const operationIds = OPERATIONS.filter((operation) => covered(operation.path)).map((operation) => operation.operationId);
  expect([...new Set(API_CELLS.map((entry) => entry.api.id))].sort()).toEqual(operationIds.sort());
});

it("the matrix covers every server action of the project page and /admin/users, and the share dialog's mutations", () => {
  const exported = (file: string) => [...fs.readFileSync(file, "utf8").matchAll(/export async function (\w+)/g)].map((match) => match[1]);
  const offered = [
    ...exported("app/(portal)/projects/actions.ts"),
    ...exported("app/(portal)/admin/users/actions.ts"),
    ...exported("app/(portal)/images/actions.ts").filter((name) => /^(imageShares|share|unshare)Action$/.test(name)),
  ];
  expect(ACTION_CELLS.map((entry) => entry.action.name).sort()).toEqual(offered.sort());
});

describe.each<ActorName>(["anonymous", ...SESSIONS, ...TOKENS])("as %s", (name) => {
  it("through the REST API: what the policy says, and a refusal changes nothing", async () => {
    const wrong: string[] = [];
    for (const { name: operation, operation: op, api } of API_CELLS) {
      const t = await target();
      const outcome = expected(name, op, t);
      const body = api.body?.(world, t);
      wrong.push(
        ...(await cell(operation, outcome, async () => {
          const answer = await fetch(`${server.url}/api/v1${api.path(world, t)}`, {
            method: api.method,
            headers: { ...credentials.get(name), ...(body ? { "content-type": "application/json" } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          const text = await answer.text();
          return { right: STATUS[outcome].includes(answer.status), detail: `${answer.status} ${text.slice(0, 160)}` };
        })),
      );
    }
    expect(wrong).toEqual([]);
  });
});

// Server actions run as the browser session's user (an API token does not reach them).
describe.each<ActorName>(["anonymous", ...SESSIONS])("as %s", (name) => {
  it("through the portal's server actions: what the policy says, and a refusal changes nothing", async () => {
    const wrong: string[] = [];
    for (const { name: operation, operation: op, action } of ACTION_CELLS) {
      const t = await target();
      const outcome = expected(name, op, t);
      wrong.push(
        ...(await cell(operation, outcome, async () => {
          const text = await (await callAction(server.url, action.page(world), action.name, action.args(world, t), credentials.get(name))).text();
          const done = text.includes('"ok":true');
          return { right: done === (outcome === "allow"), detail: done ? "done" : `refused (${text.slice(-200)})` };
        })),
      );
    }
    expect(wrong).toEqual([]);
  });
});
