import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../lib/auth/actor";
import type { ImageAction } from "../lib/catalog/actions";
import { decide } from "../lib/catalog/policy";
import { signInOverHttp } from "../lib/testing/browser-session";
import { freePort } from "../lib/testing/hangar-process";
import { type HangarServer, startHangarServer } from "../lib/testing/hangar-server";
import { callAction } from "../lib/testing/server-actions";

// The authorization matrix over HTTP, against the production build: every actor (each kind of credential), every
// image action through every door (the REST API's operations on an image, the portal's server actions, and the
// Glance API's operations, lib/glance), on
// every kind of image. What each may do comes from the policy (lib/catalog/policy.ts, itself pinned case by case
// in lib/catalog/authorization.test.ts); this suite checks that every door enforces it, and that a refusal
// changes nothing. An API operation on an image added without a line here fails the suite.

type Who = "owner" | "other user" | "admin" | "owner's API token" | "anonymous";
interface Subject {
  name: string;
  visibility: "private" | "platform";
  status: string;
}
const SUBJECTS: Subject[] = [
  { name: "private-ready", visibility: "private", status: "ready" },
  { name: "private-uploading", visibility: "private", status: "uploading" },
  { name: "platform-ready", visibility: "platform", status: "ready" },
  { name: "platform-validating", visibility: "platform", status: "validating" },
];

/** The API's operations on one image, by operationId: the action the policy decides, and the request. */
const API: Record<string, { action: ImageAction; method: string; path: string; body?: unknown }> = {
  getImage: { action: "view", method: "GET", path: "" },
  updateImage: { action: "edit", method: "PATCH", path: "", body: { minMemoryMiB: 1024 } },
  deleteImage: { action: "delete", method: "DELETE", path: "" },
  downloadImage: { action: "download", method: "GET", path: "/file" },
  setImageDeprecation: { action: "deprecate", method: "PUT", path: "/deprecation", body: { state: "deprecated" } },
  listImageShares: { action: "view_shares", method: "GET", path: "/shares" },
  shareImage: { action: "share", method: "POST", path: "/shares", body: { user: "other@hangar.local" } },
  // {shareId}: the share every private image of this suite has (to the administrator, who sees everything anyway).
  unshareImage: { action: "unshare", method: "DELETE", path: "/shares/{shareId}" },
};
/** The Glance API's operations on one image (its listener, HANGAR_GLANCE_PORT), each the action the policy decides. */
const GLANCE: Record<string, { action: ImageAction; method: string; path: string; body?: unknown }> = {
  show: { action: "view", method: "GET", path: "" },
  patch: { action: "edit", method: "PATCH", path: "", body: [{ op: "add", path: "/min_ram", value: 1024 }] },
  tag: { action: "edit", method: "PUT", path: "/tags/checked" },
  download: { action: "download", method: "GET", path: "/file" },
  delete: { action: "delete", method: "DELETE", path: "" },
};
/** The portal's server actions on one image. */
const ACTIONS: Record<string, { action: ImageAction; args: (id: string) => unknown[] }> = {
  renameAction: { action: "rename", args: (id) => [id, `renamed-${id.slice(-6)}`] },
  updatePropertiesAction: { action: "edit", args: (id) => [id, { minMemoryMiB: 1024 }] },
  deleteAction: { action: "delete", args: (id) => [id] },
  deprecateAction: { action: "deprecate", args: (id) => [id, true] },
  publishAction: { action: "publish", args: (id) => [id, `published-${id.slice(-6)}`] },
};
/**
 * Actions that also need the image's lifecycle to allow them, whoever asks (lib/catalog/publish.ts, lifecycle.ts):
 * only a ready image is published or deprecated. Refused otherwise with a 409 of state, not of authority.
 */
const NEEDS_READY: ImageAction[] = ["publish", "deprecate"];
const STATUS = { allow: [200, 201, 204], forbidden: [403], hidden: [404], not_yet: [409], not_applicable: [409], gone: [410] } as const;
/** Glance answers a download of an image with no data yet (queued) with 204 and no bytes. */
const GLANCE_STATUS = { ...STATUS, not_yet: [204, 409] } as const;

let server: HangarServer;
let glanceUrl: string;
const credentials = new Map<Who, Record<string, string>>();
/** The Glance API takes API tokens only (X-Auth-Token): each person's. */
const glanceCredentials = new Map<Who, Record<string, string>>();

beforeAll(async () => {
  const glancePort = await freePort();
  glanceUrl = `http://127.0.0.1:${glancePort}`;
  server = await startHangarServer({ HANGAR_GLANCE_PORT: String(glancePort) });
  const cookie = async (email: string, password: string) => {
    const signedIn = await signInOverHttp(server.url, email, password);
    if (!signedIn.cookie) throw new Error(`sign-in of ${email} failed: ${signedIn.error}`);
    return { cookie: signedIn.cookie };
  };
  credentials.set("owner", await cookie("demo@hangar.local", "hangar-demo"));
  credentials.set("other user", await cookie("other@hangar.local", "other-pass"));
  credentials.set("admin", await cookie("admin@hangar.local", "hangar-admin"));
  credentials.set("owner's API token", { authorization: `Bearer ${(await server.token(server.demo)).secret}` });
  credentials.set("anonymous", {});
  const demoToken = { "x-auth-token": (await server.token(server.demo)).secret };
  glanceCredentials.set("owner", demoToken);
  glanceCredentials.set("owner's API token", demoToken);
  glanceCredentials.set("other user", { "x-auth-token": (await server.token(server.other)).secret });
  glanceCredentials.set("admin", { "x-auth-token": (await server.token(server.admin)).secret });
  glanceCredentials.set("anonymous", {});
});
afterAll(async () => {
  await server.close();
});

const actorOf = (who: Who): Actor | null => (who === "anonymous" ? null : who === "other user" ? server.other : who === "admin" ? server.admin : server.demo);
const WHO: Who[] = ["owner", "other user", "admin", "owner's API token", "anonymous"];

async function imageOf(subject: Subject): Promise<{ id: string; shareId: string; row: () => Promise<unknown> }> {
  const owner = subject.visibility === "private" ? server.demo : server.admin;
  const id = await server.addImage({
    owner,
    name: `${subject.name}-${Math.random().toString(36).slice(2, 8)}`,
    visibility: subject.visibility,
    status: subject.status,
  });
  const share =
    subject.visibility === "private" ? await server.db.imageShare.create({ data: { imageId: id, userId: server.admin.id, createdById: owner.id } }) : null;
  const row = async () =>
    JSON.stringify(
      {
        image: await server.db.image.findUnique({ where: { id } }),
        shares: await server.db.imageShare.findMany({ where: { imageId: id }, select: { id: true } }),
      },
      (_, value: unknown) => (typeof value === "bigint" ? String(value) : value),
    );
  return { id, shareId: share?.id ?? "none", row };
}

function expected(who: Who, action: ImageAction, subject: Subject): keyof typeof STATUS | "unauthenticated" {
  const actor = actorOf(who);
  if (!actor) return "unauthenticated";
  // Private images are in the owner's personal project, which the owner (and their token) owns.
  const role = subject.visibility === "private" && actor.id === server.demo.id ? "owner" : null;
  const projectId = subject.visibility === "private" ? "personal" : null;
  const decision = decide(actor, action, {
    visibility: subject.visibility,
    status: subject.status as never,
    projectId,
    role,
    sharedWith: { user: false, projects: [] },
  });
  return decision === "allow" && NEEDS_READY.includes(action) && subject.status !== "ready" ? "not_yet" : decision;
}

it("the matrix covers every API operation on an image in the OpenAPI document", async () => {
  const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
  const onImage = Object.entries(document.paths)
    .filter(([path]) => path.startsWith("/images/{id}"))
    .flatMap(([, methods]) => Object.values(methods).map((operation) => operation.operationId));
  expect(onImage.sort()).toEqual(Object.keys(API).sort());
});

type Operations = Record<string, { action: ImageAction; method: string; path: string; body?: unknown }>;

/** A door to images over HTTP: where an operation goes, with whose credentials, and the statuses each decision may answer. */
interface Door {
  url: (image: { id: string; shareId: string }, path: string) => string;
  headers: Record<string, string>;
  bodyType: string;
  statuses: Record<keyof typeof STATUS, readonly number[]>;
}

/** Each operation through the door on a fresh image, as `who`: the answers the policy does not give, and refusals that changed the image. */
async function wrongAnswers(subject: Subject, who: Who, operations: Operations, door: Door): Promise<string[]> {
  const wrong: string[] = [];
  for (const [operation, { action, method, path, body }] of Object.entries(operations)) {
    const image = await imageOf(subject);
    const before = await image.row();
    const answer = await fetch(door.url(image, path), {
      method,
      headers: { ...door.headers, ...(body ? { "content-type": door.bodyType } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    await answer.arrayBuffer();
    const decision = expected(who, action, subject);
    const statuses = decision === "unauthenticated" ? [401] : door.statuses[decision];
    if (!statuses.includes(answer.status)) wrong.push(`${operation}: ${answer.status}, the policy says ${decision}`);
    if (decision !== "allow" && (await image.row()) !== before) wrong.push(`${operation}: refused, but the image changed`);
  }
  return wrong;
}

describe.each(SUBJECTS)("on a $name image", (subject) => {
  it.each(WHO)("through the REST API, as %s: what the policy says, and a refusal changes nothing", async (who) => {
    const door: Door = {
      url: (image, path) => `${server.url}/api/v1/images/${image.id}${path.replace("{shareId}", image.shareId)}`,
      headers: credentials.get(who) ?? {},
      bodyType: "application/json",
      statuses: STATUS,
    };
    expect(await wrongAnswers(subject, who, API, door)).toEqual([]);
  });

  it.each(WHO)("through the Glance API, as %s (with their API token): what the policy says, and a refusal changes nothing", async (who) => {
    const door: Door = {
      url: (image, path) => `${glanceUrl}/v2/images/${image.id}${path}`,
      headers: glanceCredentials.get(who) ?? {},
      bodyType: "application/openstack-images-v2.1-json-patch",
      statuses: GLANCE_STATUS,
    };
    expect(await wrongAnswers(subject, who, GLANCE, door)).toEqual([]);
  });

  it.each(WHO.filter((who) => who !== "owner's API token"))("through the portal's server actions, as %s", async (who) => {
    const wrong: string[] = [];
    for (const [name, { action, args }] of Object.entries(ACTIONS)) {
      const image = await imageOf(subject);
      const before = await image.row();
      const answer = await callAction(server.url, "/images", name, args(image.id), credentials.get(who));
      const text = await answer.text();
      const decision = expected(who, action, subject);
      const ok = text.includes('"ok":true');
      if (ok !== (decision === "allow")) wrong.push(`${name}: ${ok ? "done" : "refused"}, the policy says ${decision}`);
      if (decision !== "allow" && (await image.row()) !== before) wrong.push(`${name}: refused, but the image changed`);
    }
    expect(wrong).toEqual([]);
  });
});

// Accounts, projects, memberships and shares have their own matrix: security/project-authorization.test.ts.
describe("on accounts", () => {
  it("a user cannot end another user's session from Settings, and an anonymous caller cannot change a password", async () => {
    const cookie = await server.cookie(server.admin);
    const adminSessions = await server.db.session.findMany({ where: { userId: server.admin.id }, select: { id: true } });
    for (const { id } of adminSessions) {
      const text = await (await callAction(server.url, "/settings", "endSessionAction", [id], credentials.get("other user"))).text();
      expect(text).not.toContain('"ok":true');
    }
    expect(await server.db.session.count({ where: { userId: server.admin.id } })).toBe(adminSessions.length);
    const anonymous = await (await callAction(server.url, "/settings", "changePasswordAction", [{ current: "x", password: "a new long password" }])).text();
    expect(anonymous).not.toContain('"ok":true');
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).status).toBe(200);
  });
});
