import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { updateAccount } from "../accounts/update";
import { authenticateToken, createToken } from "../auth/tokens";
import { addMember } from "../projects/members";
import { ensurePersonalProject } from "../projects/personal";
import { updateProject } from "../projects/projects";
import { shareImage, unshareImage } from "../projects/shares";
import type { Result } from "../result";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { checkNewImage } from "./create";
import { openDownload } from "./download";
import { deleteImage, renameImage, setDeprecated, updateImageProperties } from "./mutations";
import { publishImage } from "./publish";
import { getImage } from "./queries";

// The authorization matrix of projects and sharing, in the domain (the functions the API's routes and the portal's
// server actions call): every actor x every action x every visibility, each cell asserted. The expected outcomes are
// not asked of the policy: they come from the tables below, written from the rules of issue 14 (roles, shares, token
// scopes), so that a policy that drifts from them fails here.

type ActorName =
  | "anonymous"
  | "viewer"
  | "member"
  | "owner"
  | "member of another project"
  | "recipient (project)"
  | "recipient (user)"
  | "admin"
  | "disabled owner"
  | "read-only token"
  | "upload-only token"
  | "token of another project";
type Visibility = "private" | "shared" | "platform";
type Action = "view" | "download" | "upload" | "rename" | "edit" | "delete" | "share" | "unshare" | "manage members" | "set quota" | "publish" | "deprecate";
type Outcome = "ok" | "not_found" | "forbidden" | "conflict" | "unauthenticated";

/** How an actor stands toward an image of a visibility (and its project). */
type Standing =
  "anonymous" | "stranger" | "reader" | "viewer" | "member" | "owner" | "admin" | "read token" | "upload token" | "user on platform" | "admin on platform";

const ACTIONS: Action[] = ["view", "download", "upload", "rename", "edit", "delete", "share", "unshare", "manage members", "set quota", "publish", "deprecate"];

/** Outcomes as the HTTP statuses they become: ok, 401 unauthenticated, 403 forbidden, 404 not found, 409 conflict. */
const CODES: Record<string, Outcome> = { ok: "ok", "401": "unauthenticated", "403": "forbidden", "404": "not_found", "409": "conflict" };

/** What each standing gets, action by action, in the order of ACTIONS. */
// prettier-ignore
const OUTCOMES: Record<Standing, string> = {
  //                    view download upload rename edit delete share unshare members quota publish deprecate
  anonymous:           "401  401      401    401    401  401    401   401     401     401   401     401",
  stranger:            "404  404      404    404    404  404    404   404     404     404   404     404",
  // Shares give read (see, download); the image's project stays out of reach.
  reader:              "ok   ok       404    403    403  403    403   403     404     404   403     403",
  viewer:              "ok   ok       403    403    403  403    403   403     403     403   403     403",
  member:              "ok   ok       ok     ok     ok   ok     403   403     403     403   403     ok",
  owner:               "ok   ok       ok     ok     ok   ok     ok    ok      ok      403   403     ok",
  admin:               "ok   ok       ok     ok     ok   ok     ok    ok      ok      ok    ok      ok",
  // The owner's tokens: never more than their scope, whatever the owner may.
  "read token":        "ok   ok       403    403    403  403    403   403     403     403   403     403",
  "upload token":      "ok   ok       ok     403    403  403    403   403     403     403   403     403",
  // The platform catalog: read for everyone, the administrators' to change; it is no project (no members, no quota) and is not shared.
  "user on platform":  "ok   ok       403    403    403  403    409   409     404     404   403     403",
  "admin on platform": "ok   ok       ok     ok     ok   ok     409   409     404     404   409     ok",
};

const outcomes = (standing: Standing): Outcome[] =>
  OUTCOMES[standing]
    .trim()
    .split(/\s+/)
    .map((code) => CODES[code]);

/** Who stands how toward the image of each visibility. The image is in the team project P; "shared" is shared with project R and with the user recipient. */
const STANDINGS: Record<ActorName, Record<Visibility, Standing>> = {
  anonymous: { private: "anonymous", shared: "anonymous", platform: "anonymous" },
  viewer: { private: "viewer", shared: "viewer", platform: "user on platform" },
  member: { private: "member", shared: "member", platform: "user on platform" },
  owner: { private: "owner", shared: "owner", platform: "user on platform" },
  "member of another project": { private: "stranger", shared: "stranger", platform: "user on platform" },
  "recipient (project)": { private: "stranger", shared: "reader", platform: "user on platform" },
  "recipient (user)": { private: "stranger", shared: "reader", platform: "user on platform" },
  admin: { private: "admin", shared: "admin", platform: "admin on platform" },
  // Their sessions and tokens are refused at the next request: they are nobody.
  "disabled owner": { private: "anonymous", shared: "anonymous", platform: "anonymous" },
  "read-only token": { private: "read token", shared: "read token", platform: "user on platform" },
  "upload-only token": { private: "upload token", shared: "upload token", platform: "user on platform" },
  // The owner's token limited to their personal project does not reach P, nor what is shared with P's members as people.
  "token of another project": { private: "stranger", shared: "stranger", platform: "user on platform" },
};

let env: CatalogTestEnv;
const actors = new Map<ActorName, Actor | null>();
let project: { id: string };
let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}`;

async function person(name: string): Promise<Actor> {
  const row = await env.db.user.create({ data: { email: `${name.replace(/\W/g, "").toLowerCase()}-${++serial}@example.com`, name, passwordHash: "x" } });
  await ensurePersonalProject(env.db, row);
  return { id: row.id, email: row.email, name: row.name, role: "user" };
}

async function teamProject(name: string, members: [Actor, "viewer" | "member" | "owner"][]) {
  return env.db.project.create({
    data: { name, nameKey: name.toLowerCase(), kind: "team", members: { create: members.map(([actor, role]) => ({ userId: actor.id, role })) } },
    select: { id: true },
  });
}

/** The actor a token stands for, through the same authentication every API request goes through (null when refused). */
async function tokenActor(owner: Actor, input: Record<string, unknown>): Promise<Actor | null> {
  const created = await createToken(env.db, owner, { name: unique("token"), expiresInDays: "30", ...input });
  if (!created.ok) throw new Error(created.error.message);
  const authenticated = await authenticateToken(env.db, created.value.secret);
  return authenticated.ok ? authenticated.value.actor : null;
}

beforeAll(async () => {
  env = await makeCatalogTestEnv();
  const [viewer, member, owner, other, recipient, user, disabled] = await Promise.all(
    ["Viewer", "Member", "Owner", "Other", "Recipient", "User recipient", "Disabled"].map(person),
  );
  project = await teamProject("P", [
    [viewer, "viewer"],
    [member, "member"],
    [owner, "owner"],
    [disabled, "owner"],
  ]);
  await teamProject("Q", [[other, "member"]]);
  await teamProject("R", [[recipient, "member"]]);
  const disabledToken = await createToken(env.db, disabled, { name: "ci", expiresInDays: "30" });
  if (!disabledToken.ok) throw new Error(disabledToken.error.message);
  await updateAccount(env.db, env.admin, disabled.id, { disabled: true });
  const refused = await authenticateToken(env.db, disabledToken.value.secret);
  actors.set("anonymous", null);
  actors.set("viewer", viewer);
  actors.set("member", member);
  actors.set("owner", owner);
  actors.set("member of another project", other);
  actors.set("recipient (project)", recipient);
  actors.set("recipient (user)", user);
  actors.set("admin", env.admin);
  actors.set("disabled owner", refused.ok ? refused.value.actor : null);
  actors.set("read-only token", await tokenActor(owner, { scope: "read" }));
  actors.set("upload-only token", await tokenActor(owner, { scope: "upload" }));
  actors.set("token of another project", await tokenActor(owner, { projectId: (await ensurePersonalProject(env.db, owner)).id }));
});
afterAll(async () => {
  await env.close();
});

/** A fresh image of the visibility (each attempt its own, so that one changing it does not decide another), with a share to revoke. */
async function imageOf(visibility: Visibility): Promise<{ id: string; shareId: string }> {
  const owner = actors.get("owner") as Actor;
  const id = await env.addImage({
    owner: visibility === "platform" ? env.admin : owner,
    projectId: visibility === "platform" ? undefined : project.id,
    name: unique(visibility),
    visibility: visibility === "platform" ? "platform" : "private",
  });
  if (visibility === "platform") return { id, shareId: "no-share" };
  const bystander = await person("Bystander");
  const recipients =
    visibility === "shared"
      ? [{ projectId: (await env.db.project.findFirstOrThrow({ where: { name: "R" } })).id }, { userId: (actors.get("recipient (user)") as Actor).id }]
      : [];
  for (const to of recipients) await env.db.imageShare.create({ data: { imageId: id, ...to, createdById: owner.id } });
  const share = await env.db.imageShare.create({ data: { imageId: id, userId: bystander.id, createdById: owner.id } });
  return { id, shareId: share.id };
}

async function attempt(action: Action, actor: Actor | null, visibility: Visibility, image: { id: string; shareId: string }): Promise<Result<unknown>> {
  const projectId = visibility === "platform" ? "platform-catalog" : project.id;
  switch (action) {
    case "view":
      return getImage(env.deps, actor, image.id);
    case "download": {
      const opened = await openDownload(env.deps, actor, image.id, null);
      if (opened.ok) opened.value.body?.destroy();
      return opened;
    }
    case "upload":
      if (!actor) return { ok: false, error: { code: "unauthenticated", message: "", fields: {} } };
      return checkNewImage(env.deps, {
        creator: actor,
        target: visibility === "platform" ? { visibility: "platform" } : { visibility: "private", projectId },
        name: unique("new"),
      });
    case "rename":
      return renameImage(env.deps, actor, image.id, unique("renamed"));
    case "edit":
      return updateImageProperties(env.deps, actor, image.id, { minMemoryMiB: 2048 });
    case "delete":
      return deleteImage(env.deps, actor, image.id);
    case "share":
      return shareImage(env.deps, actor, image.id, { project: "Q" });
    case "unshare":
      return unshareImage(env.deps, actor, image.id, image.shareId);
    case "manage members":
      return addMember({ db: env.db, defaultQuota: null }, actor, projectId, { email: (await person("New member")).email, role: "viewer" });
    case "set quota":
      return updateProject({ db: env.db, defaultQuota: null }, actor, projectId, { quotaBytes: "1GiB" });
    case "publish":
      return publishImage(env.deps, actor, image.id, unique("published"));
    case "deprecate":
      return setDeprecated(env.deps, actor, image.id, true);
  }
}

const snapshot = async (id: string) =>
  JSON.stringify(
    {
      image: await env.db.image.findUnique({ where: { id } }),
      shares: await env.db.imageShare.count({ where: { imageId: id } }),
      members: await env.db.projectMember.count({ where: { projectId: project.id } }),
      quota: (await env.db.project.findUniqueOrThrow({ where: { id: project.id } })).quotaBytes,
      images: await env.db.image.count(),
    },
    (_, value: unknown) => (typeof value === "bigint" ? String(value) : value),
  );

const ACTOR_NAMES = Object.keys(STANDINGS) as ActorName[];

describe.each(["private", "shared", "platform"] as const)("on a %s image", (visibility) => {
  it.each(ACTOR_NAMES)("as %s: every action as the tables say, and a refusal changes nothing", async (name) => {
    const actor = actors.get(name) ?? null;
    const expected = outcomes(STANDINGS[name][visibility]);
    const wrong: string[] = [];
    for (const [index, action] of ACTIONS.entries()) {
      const image = await imageOf(visibility);
      const before = await snapshot(image.id);
      const result = await attempt(action, actor, visibility, image);
      const outcome = result.ok ? "ok" : result.error.code;
      if (outcome !== expected[index]) wrong.push(`${action}: ${outcome}, the table says ${expected[index]}${result.ok ? "" : ` (${result.error.message})`}`);
      if (!result.ok && (await snapshot(image.id)) !== before) wrong.push(`${action}: refused, but something changed`);
    }
    expect(wrong).toEqual([]);
  });
});
