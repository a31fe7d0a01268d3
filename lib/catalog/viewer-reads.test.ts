import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { upsertUser } from "../auth/users";
import { currentProject } from "../projects/current";
import { ensurePersonalProject } from "../projects/personal";
import { getProject, listProjects } from "../projects/projects";
import { shareImage } from "../projects/shares";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { uploadLimitsFor } from "../uploads/limits";
import { viewerOf } from "./image-view";
import type { ListScope } from "./list-scopes";
import { loadProjectFor } from "./project-access";
import { listImages } from "./queries";
import { listQuerySchema } from "./schemas";

// The portal reads who is looking (the actor and their memberships) once per request and hands that viewer to every
// read of the page (app/(portal)/request-session.ts). A read given a viewer must answer exactly as it does given the
// actor alone, refusals included: the same visibility rules, weighed on the same memberships.

describe("reads given a viewer read once, against the database", () => {
  let env: UploadTestEnv;
  let deploy: string;
  let viewerUser: Actor;
  let stranger: Actor;
  const all = listQuerySchema.parse({});
  const SCOPES: ListScope[] = ["platform", "mine", "shared", "all"];

  const team = async (name: string, members: Record<string, "owner" | "member" | "viewer">) =>
    (
      await env.db.project.create({
        data: { name, nameKey: name, kind: "team", members: { create: Object.entries(members).map(([userId, role]) => ({ userId, role })) } },
      })
    ).id;

  beforeAll(async () => {
    env = await makeUploadTestEnv({ userQuota: 1 << 30 });
    viewerUser = await upsertUser(env.db, { email: "viewer@test", name: "Viewer", password: "viewer-pass", role: "user" });
    stranger = await upsertUser(env.db, { email: "stranger@test", name: "Stranger", password: "stranger-pass", role: "user" });
    deploy = await team("deploy", { [env.alice.id]: "owner", [viewerUser.id]: "viewer" });
    await env.addImage({ owner: env.alice, projectId: deploy, name: "team-image", visibility: "private" });
    await env.addImage({ owner: env.admin, name: "platform-image", visibility: "platform" });
    await env.addImage({ owner: env.admin, name: "platform-retired", visibility: "platform", status: "deprecated" });
    await env.addImage({ owner: env.alice, name: "alice-private", visibility: "private" });
    const shared = await env.addImage({ owner: env.alice, name: "shared-with-ops", visibility: "private" });
    await team("ops", { [env.bob.id]: "viewer" });
    const made = await shareImage(env.deps, env.alice, shared, { project: "ops" });
    expect(made.ok ? null : made.error).toBeNull();
  });
  afterAll(async () => {
    await env.close();
  });

  const projects = () => ({ db: env.db, defaultQuota: env.uploads.config.userQuota });
  const actors = () => [env.alice, env.bob, viewerUser, stranger, env.admin, { ...env.alice, limits: { projectId: deploy, scope: "read" as const } }];

  it("lists the same images in every scope, of every project or of one, with the same refusals", async () => {
    for (const actor of actors()) {
      const viewer = await viewerOf(env.db, actor);
      const personal = (await ensurePersonalProject(env.db, actor)).id;
      for (const projectId of [null, deploy, personal]) {
        for (const scope of SCOPES) {
          const alone = await listImages(env.deps, actor, scope, all, projectId);
          expect(await listImages(env.deps, viewer, scope, all, projectId), `${actor.email} ${scope} ${projectId}`).toEqual(alone);
        }
      }
    }
    // The rules still hold through a viewer: a stranger does not see the team's list, a viewer does.
    expect(await listImages(env.deps, await viewerOf(env.db, stranger), "mine", all, deploy)).toMatchObject({ ok: false, error: { code: "not_found" } });
    const seen = await listImages(env.deps, await viewerOf(env.db, viewerUser), "mine", all, deploy);
    expect(seen.ok && seen.value.items.map((item) => item.name)).toEqual(["team-image"]);
  });

  it("loads, lists and sizes projects the same, and refuses the same actions", async () => {
    for (const actor of actors()) {
      const viewer = await viewerOf(env.db, actor);
      expect(await listProjects(projects(), viewer)).toEqual(await listProjects(projects(), actor));
      for (const action of ["view", "upload", "manage_members", "set_quota"] as const) {
        expect(await loadProjectFor(env.deps, viewer, action, deploy), `${actor.email} ${action}`).toEqual(
          await loadProjectFor(env.deps, actor, action, deploy),
        );
      }
      expect(await getProject(projects(), viewer, deploy)).toEqual(await getProject(projects(), actor, deploy));
      expect(await uploadLimitsFor(env.uploads, viewer, deploy)).toEqual(await uploadLimitsFor(env.uploads, actor, deploy));
    }
    expect(await loadProjectFor(env.deps, await viewerOf(env.db, viewerUser), "upload", deploy)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await getProject(projects(), await viewerOf(env.db, stranger), deploy)).toMatchObject({ ok: false, error: { code: "not_found" } });
    // A project the viewer may not see tells nothing of its quota.
    expect((await uploadLimitsFor(env.uploads, await viewerOf(env.db, stranger), deploy)).quota).toBeNull();
    expect((await uploadLimitsFor(env.uploads, await viewerOf(env.db, env.alice), deploy)).quota).toEqual({ used: 4096, limit: 1 << 30 });
  });

  it("finds the page's current project as getProject does: the URL's by id or name, else the personal one; hidden ones not at all", async () => {
    for (const actor of actors()) {
      const viewer = await viewerOf(env.db, actor);
      const personal = (await ensurePersonalProject(env.db, actor)).id;
      for (const [requested, id] of [
        [null, personal],
        [deploy, deploy],
        ["Deploy", deploy],
        [personal, personal],
      ] as const) {
        const current = await currentProject(projects(), viewer, requested);
        const expected = await getProject(projects(), actor, id);
        expect(current?.project ?? null, `${actor.email} ${requested}`).toEqual(expected.ok ? expected.value : null);
        if (current) expect(await listProjects(projects(), actor)).toEqual({ ok: true, value: current.projects });
      }
    }
    // An administrator looks at a project they are not a member of; a stranger is told it does not exist.
    expect(await currentProject(projects(), await viewerOf(env.db, env.admin), deploy)).toMatchObject({ project: { id: deploy, role: null } });
    expect(await currentProject(projects(), await viewerOf(env.db, stranger), deploy)).toBeNull();
  });

  it("weighs the memberships the viewer was read with: one request sees one state of them", async () => {
    const before = await viewerOf(env.db, env.bob);
    await env.db.projectMember.create({ data: { projectId: deploy, userId: env.bob.id, role: "member" } });
    try {
      expect(await getProject(projects(), before, deploy)).toMatchObject({ ok: false, error: { code: "not_found" } });
      expect(await getProject(projects(), await viewerOf(env.db, env.bob), deploy)).toMatchObject({ ok: true, value: { role: "member" } });
    } finally {
      await env.db.projectMember.deleteMany({ where: { projectId: deploy, userId: env.bob.id } });
    }
  });
});
