import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateToken, createToken } from "../lib/auth/tokens";
import { upsertUser } from "../lib/auth/users";
import type { Actor } from "../lib/auth/actor";
import { type Decision, type ImageSubject, judge, judgeAllProjectsListing, judgeProject, type Judgement, type ProjectSubject } from "../lib/catalog/policy";
import { imageSubject, membershipsOf, projectSubject } from "../lib/catalog/standing";
import { defaultProjectId } from "../lib/projects/personal";
import { GLANCE_ROUTES, routeFor } from "../lib/glance/routes";
import { freePort } from "../lib/testing/hangar-process";
import { type HangarServer, startHangarServer } from "../lib/testing/hangar-server";

// The Glance door of the authorization matrix (issue 19), against the production build: every route of the Glance
// API (lib/glance/routes.ts) x every actor of issue 14, each with an API token as X-Auth-Token (the only credential
// Glance takes). What each may do is asked of the policy (lib/catalog/policy.ts); this suite checks that the Glance
// door does what it says, and that a refusal leaves images, tags, shares and data unchanged. Every route of
// GLANCE_ROUTES must be reached by a line of CELLS: a route added without one fails the suite.
//
// To add a route's line: a name, the request (method, path on the cell's fresh image X, body) and the policy's
// judgements the route asks in turn (`first(...)` of them), using the standing below (the actor, the image X,
// projects P, Q, R and the actor's own default project).

type ActorName =
  | "anonymous"
  | "viewer"
  | "member"
  | "owner"
  | "member of another project"
  | "share recipient"
  | "admin"
  | "read-only token"
  | "upload-only token"
  | "token of another project"
  | "admin's read-only token"
  | "admin's token of another project";

/** The seeded world: team project P (viewer, member, owner), Q (another project's member) and R (the recipient's). */
interface World {
  p: string;
  q: string;
  r: string;
}
/** The image a cell works on: X, fresh for each cell, in P, tagged "seeded" and shared with R (accepted). */
interface Cell {
  x: string;
}
/** How one actor stands toward the world, as the server weighs it (lib/catalog/standing.ts). */
interface Standing {
  actor: Actor;
  image: ImageSubject;
  p: ProjectSubject;
  r: ProjectSubject;
  /** Where the actor's new images go: the project their token is limited to, else their personal project. */
  home: ProjectSubject;
}

type Outcome = Decision | "unauthenticated";
const first = (...judgements: Judgement[]): Outcome => judgements.find((judgement) => judgement.decision !== "allow")?.decision ?? "allow";
const always = (): Outcome => "allow";

interface Line {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: (w: World, c: Cell) => string;
  /** The request's body; `secret` is the actor's token (null for anonymous), for Identity's token method. */
  body?: (w: World, secret: string | null) => { type: string; data: string | Blob };
  headers?: Record<string, string>;
  /** For a route that needs no token but judges a credential in its body: what anonymous (no credential) gets. */
  anonymous?: Outcome;
  /** What an allowed request answers when it is not a success: a conflict of the cell's state, not a refusal. */
  allowedAs?: readonly number[];
  /** Whether the X of this cell waits for its data (queued), as Glance's data upload needs. */
  queued?: boolean;
  policy: (s: Standing) => Outcome;
}

const json =
  (value: unknown, type = "application/json") =>
  () => ({ type, data: JSON.stringify(value) });

/** One line per request the Glance API takes; its outcome comes from the policy, not written a second time. */
const CELLS: Record<string, Line> = {
  "version discovery": { method: "GET", path: () => "/", policy: always },
  "identity versions": { method: "GET", path: () => "/identity", policy: always },
  "identity v3": { method: "GET", path: () => "/identity/v3", policy: always },
  // Authentication, not authorization: any valid token (of any scope) is exchanged for one of the same limits.
  "issue a token": {
    method: "POST",
    path: () => "/identity/v3/auth/tokens",
    body: (_, secret) => json({ auth: { identity: { methods: ["token"], token: { id: secret ?? "hgr_none" } } } })(),
    anonymous: "unauthenticated",
    policy: always,
  },
  // A token Identity never issued to the caller: not found for everyone who may ask, after authentication.
  "validate a token": { method: "GET", path: () => "/identity/v3/auth/tokens", headers: { "x-subject-token": "hgk_none" }, policy: () => "hidden" },
  "revoke a token": { method: "DELETE", path: () => "/identity/v3/auth/tokens", headers: { "x-subject-token": "hgk_none" }, policy: () => "hidden" },
  // What openstackclient asks before naming a project as a member: a project the actor sees, and every project (administrators).
  "show a project": { method: "GET", path: (w) => `/identity/v3/projects/${w.p}`, policy: (s) => first(judgeProject(s.actor, "view", s.p)) },
  "list projects": { method: "GET", path: () => "/identity/v3/projects?name=glance-p", policy: (s) => first(judgeAllProjectsListing(s.actor)) },
  "import methods": { method: "GET", path: () => "/v2/info/import", policy: always },
  versions: { method: "GET", path: () => "/versions", policy: always },
  "image schema": { method: "GET", path: () => "/v2/schemas/image", policy: always },
  "images schema": { method: "GET", path: () => "/v2/schemas/images", policy: always },
  "member schema": { method: "GET", path: () => "/v2/schemas/member", policy: always },
  "members schema": { method: "GET", path: () => "/v2/schemas/members", policy: always },
  "list images": { method: "GET", path: () => "/v2/images?member_status=all", policy: always },
  "create an image": {
    method: "POST",
    path: () => "/v2/images",
    // A fresh name each time: an actor's tokens create into the same project, where names are unique.
    body: () => json({ name: `made-by-glance-${++serial}`, disk_format: "raw", container_format: "bare" })(),
    policy: (s) => first(judgeProject(s.actor, "upload", s.home)),
  },
  "show an image": { method: "GET", path: (_, c) => `/v2/images/${c.x}`, policy: (s) => first(judge(s.actor, "view", s.image)) },
  "patch an image": {
    method: "PATCH",
    path: (_, c) => `/v2/images/${c.x}`,
    body: json([{ op: "add", path: "/min_ram", value: 2048 }], "application/openstack-images-v2.1-json-patch"),
    policy: (s) => first(judge(s.actor, "view", s.image), judge(s.actor, "edit", s.image)),
  },
  "delete an image": { method: "DELETE", path: (_, c) => `/v2/images/${c.x}`, policy: (s) => first(judge(s.actor, "delete", s.image)) },
  "upload data": {
    method: "PUT",
    path: (_, c) => `/v2/images/${c.x}/file`,
    body: () => ({ type: "application/octet-stream", data: new Blob([new Uint8Array(4096).fill(9)]) }),
    queued: true,
    policy: (s) => first(judge(s.actor, "view", s.image), judgeProject(s.actor, "upload", s.p)),
  },
  "stage data": {
    method: "PUT",
    path: (_, c) => `/v2/images/${c.x}/stage`,
    body: () => ({ type: "application/octet-stream", data: new Blob([new Uint8Array(4096).fill(9)]) }),
    queued: true,
    policy: (s) => first(judge(s.actor, "view", s.image), judgeProject(s.actor, "upload", s.p)),
  },
  // Nothing staged in the cell: an actor the policy allows gets the conflict, any other the refusal.
  "import staged data": {
    method: "POST",
    path: (_, c) => `/v2/images/${c.x}/import`,
    body: json({ method: { name: "glance-direct" } }),
    queued: true,
    allowedAs: [409],
    policy: (s) => first(judge(s.actor, "view", s.image), judgeProject(s.actor, "upload", s.p)),
  },
  "download data": { method: "GET", path: (_, c) => `/v2/images/${c.x}/file`, policy: (s) => first(judge(s.actor, "download", s.image)) },
  "add a tag": {
    method: "PUT",
    path: (_, c) => `/v2/images/${c.x}/tags/added`,
    policy: (s) => first(judge(s.actor, "view", s.image), judge(s.actor, "edit", s.image)),
  },
  "remove a tag": {
    method: "DELETE",
    path: (_, c) => `/v2/images/${c.x}/tags/seeded`,
    policy: (s) => first(judge(s.actor, "view", s.image), judge(s.actor, "edit", s.image)),
  },
  "list members": { method: "GET", path: (_, c) => `/v2/images/${c.x}/members`, policy: (s) => first(judge(s.actor, "view", s.image)) },
  "add a member": {
    method: "POST",
    path: (_, c) => `/v2/images/${c.x}/members`,
    body: (w) => json({ member: w.q })(),
    policy: (s) => first(judge(s.actor, "share", s.image)),
  },
  "show a member": {
    method: "GET",
    path: (w, c) => `/v2/images/${c.x}/members/${w.r}`,
    // Those who see the image's sharing see every member; a member project sees its own.
    policy: (s) => {
      const view = first(judge(s.actor, "view", s.image));
      if (view !== "allow") return view;
      return judge(s.actor, "view_shares", s.image).decision === "allow" ? "allow" : first(judgeProject(s.actor, "view", s.r));
    },
  },
  "answer as a member": {
    method: "PUT",
    path: (w, c) => `/v2/images/${c.x}/members/${w.r}`,
    body: json({ status: "rejected" }),
    policy: (s) => first(judge(s.actor, "view", s.image), judgeProject(s.actor, "answer_shares", s.r)),
  },
  "remove a member": { method: "DELETE", path: (w, c) => `/v2/images/${c.x}/members/${w.r}`, policy: (s) => first(judge(s.actor, "unshare", s.image)) },
};

/** The outcome as HTTP statuses (version discovery answers 300, as Glance's). */
const STATUS: Record<Outcome, readonly number[]> = {
  allow: [200, 201, 204, 300],
  unauthenticated: [401],
  forbidden: [403],
  hidden: [404],
  not_yet: [409],
  not_applicable: [409],
  gone: [410],
};

let server: HangarServer;
let glanceUrl: string;
let world: World;
const tokens = new Map<ActorName, string | null>();
const standings = new Map<ActorName, Standing>();

beforeAll(async () => {
  const port = await freePort();
  glanceUrl = `http://127.0.0.1:${port}`;
  server = await startHangarServer({ HANGAR_GLANCE_PORT: String(port) });
  const { db } = server;
  const person = (name: string) =>
    upsertUser(db, { email: `${name.toLowerCase()}@glance-matrix.test`, name, password: `${name.toLowerCase()}-password`, role: "user" });
  const [viewer, member, owner, other, recipient] = await Promise.all(["Viewer", "Member", "Owner", "Other", "Recipient"].map(person));
  const team = async (name: string, members: [Actor, string][]) =>
    (
      await db.project.create({
        data: { name, nameKey: name, kind: "team", members: { create: members.map(([actor, role]) => ({ userId: actor.id, role })) } },
      })
    ).id;
  const p = await team("glance-p", [
    [viewer, "viewer"],
    [member, "member"],
    [owner, "owner"],
  ]);
  world = { p, q: await team("glance-q", [[other, "member"]]), r: await team("glance-r", [[recipient, "member"]]) };

  const token = async (actor: Actor, input: Record<string, unknown> = {}) => {
    const created = await createToken(db, actor, { name: `glance-matrix-${tokens.size}`, expiresInDays: "30", ...input });
    if (!created.ok) throw new Error(created.error.message);
    return created.value.secret;
  };
  const people: [ActorName, Actor, Record<string, unknown>][] = [
    ["viewer", viewer, {}],
    ["member", member, {}],
    ["owner", owner, {}],
    ["member of another project", other, {}],
    ["share recipient", recipient, {}],
    ["admin", server.admin, {}],
    ["read-only token", owner, { scope: "read" }],
    ["upload-only token", owner, { scope: "upload" }],
    ["token of another project", owner, { projectId: await defaultProjectId(db, owner) }],
    ["admin's read-only token", server.admin, { scope: "read" }],
    ["admin's token of another project", server.admin, { projectId: world.q }],
  ];
  tokens.set("anonymous", null);
  for (const [name, actor, input] of people) tokens.set(name, await token(actor, input));

  // How each actor stands toward a cell's image (all alike), as the server's authentication finds the actor.
  const template = await freshImage(false);
  const row = await db.image.findUniqueOrThrow({ where: { id: template.x }, include: { shares: { select: { projectId: true, userId: true } } } });
  for (const [name, secret] of tokens) {
    if (!secret) continue;
    const found = await authenticateToken(db, secret);
    if (!found.ok) throw new Error(found.error.message);
    const actor = found.value.actor;
    const memberships = await membershipsOf(db, actor);
    const subject = async (id: string) => (await projectSubject(db, memberships, id)) as ProjectSubject;
    standings.set(name, {
      actor,
      image: imageSubject(actor, memberships, row),
      p: await subject(world.p),
      r: await subject(world.r),
      home: await subject(await defaultProjectId(db, actor)),
    });
  }
});
afterAll(async () => {
  await server.close();
});

let serial = 0;
/** A cell's image X: in P, by its owner, tagged "seeded", shared with R and accepted; queued (no data yet) for the data upload. */
async function freshImage(queued: boolean): Promise<Cell> {
  const { db } = server;
  const owner = await db.user.findUniqueOrThrow({ where: { email: "owner@glance-matrix.test" } });
  const x = await server.addImage({
    owner: { id: owner.id, email: owner.email, name: owner.name, role: "user" },
    projectId: world.p,
    name: `x-${++serial}`,
    visibility: "private",
    status: queued ? "uploading" : "ready",
  });
  await db.image.update({
    where: { id: x },
    data: { tags: { create: { tag: "seeded" } }, shares: { create: { projectId: world.r, createdById: owner.id } } },
  });
  return { x };
}

/** Everything a Glance request could change: images (with their data's size, digest and key), tags and shares. */
async function snapshot(): Promise<string> {
  const { db } = server;
  const order = { orderBy: { id: "asc" as const } };
  return JSON.stringify(
    {
      images: await db.image.findMany({
        ...order,
        select: { id: true, name: true, status: true, projectId: true, minMemoryMiB: true, fileSize: true, sha256: true, storageKey: true },
      }),
      tags: await db.imageTag.findMany({ orderBy: [{ imageId: "asc" }, { tag: "asc" }] }),
      shares: await db.imageShare.findMany(order),
    },
    (_, value: unknown) => (typeof value === "bigint" ? String(value) : value),
  );
}

/** Until the server's validations are over: an allowed upload's image turning active is not the next cell's doing. */
async function validationsOver(): Promise<void> {
  await expect.poll(() => server.db.image.count({ where: { status: "validating" } }), { timeout: 60_000 }).toBe(0);
}

const ACTORS: ActorName[] = [
  "anonymous",
  "viewer",
  "member",
  "owner",
  "member of another project",
  "share recipient",
  "admin",
  "read-only token",
  "upload-only token",
  "token of another project",
  "admin's read-only token",
  "admin's token of another project",
];

it("the matrix has a line for every route of the Glance API (lib/glance/routes.ts)", () => {
  const sample: World & Cell = { p: "p", q: "q", r: "r", x: "x" };
  const reached = Object.values(CELLS).map((line) => {
    const found = routeFor(line.method, new URL(line.path(sample, sample), "http://glance").pathname);
    return "route" in found ? GLANCE_ROUTES.indexOf(found.route) : -1;
  });
  expect([...new Set(reached)].sort((a, b) => a - b)).toEqual(GLANCE_ROUTES.map((_, index) => index));
});

describe.each(ACTORS)("as %s", (name) => {
  it("through the Glance API: what the policy says, and a refusal changes nothing", async () => {
    const wrong: string[] = [];
    const secret = tokens.get(name) ?? null;
    for (const [operation, line] of Object.entries(CELLS)) {
      const standing = standings.get(name);
      const found = routeFor(line.method, line.path(world, { x: "x" }).split("?")[0] ?? "");
      const auth = "route" in found && found.route.auth;
      const outcome: Outcome = standing ? line.policy(standing) : auth ? "unauthenticated" : (line.anonymous ?? "allow");
      // The previous cell's upload validated first: its writes and this cell's seeding would contend for SQLite's lock.
      await validationsOver();
      const cell = await freshImage(line.queued === true);
      const before = await snapshot();
      const body = line.body?.(world, secret);
      const answer = await fetch(`${glanceUrl}${line.path(world, cell)}`, {
        method: line.method,
        headers: { ...line.headers, ...(secret ? { "x-auth-token": secret } : {}), ...(body ? { "content-type": body.type } : {}) },
        body: body?.data,
      });
      const text = answer.headers.get("content-type")?.includes("json") ? (await answer.text()).slice(0, 160) : (await answer.arrayBuffer(), "");
      const expected = outcome === "allow" && line.allowedAs ? line.allowedAs : STATUS[outcome];
      if (!expected.includes(answer.status)) wrong.push(`${operation}: ${answer.status} ${text}, the policy says ${outcome}`);
      if (outcome !== "allow") {
        await validationsOver();
        if ((await snapshot()) !== before) wrong.push(`${operation}: refused, but something changed`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
