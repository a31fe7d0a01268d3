import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { upsertUser } from "../auth/users";
import { getImage, listImages } from "../catalog/queries";
import { listQuerySchema } from "../catalog/schemas";
import { judgeProject } from "../catalog/policy";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { answerShare, createShare, shareImage } from "./shares";
import { INITIAL_SHARE_STATUS, LISTED_SHARE_STATUSES, parseShareStatus, SHARE_STATUS_RULES, type ShareStatus } from "./share-status";

// The rules of a share's state (lib/projects/share-status.ts): where each door starts a share, who answers for the
// recipient, and what each state lists.

describe("the states of a share", () => {
  it("lists only accepted shares; Hangar's own shares start accepted, Glance's pending; an unknown stored state lists nothing", () => {
    expect(LISTED_SHARE_STATUSES).toEqual(["accepted"]);
    expect(INITIAL_SHARE_STATUS).toEqual({ hangar: "accepted", glance: "pending" });
    expect(parseShareStatus("accepted")).toBe("accepted");
    expect(parseShareStatus("Accepted")).toBe("pending");
    expect(SHARE_STATUS_RULES[parseShareStatus("")].listed).toBe(false);
  });

  it("lets the recipient project's members and owners answer, not its viewers, nor a token that only reads or uploads", () => {
    const actor: Actor = { id: "u", email: "u@test", name: "U", role: "user" };
    const project = (role: "viewer" | "member" | "owner" | null) => ({ id: "p", kind: "team" as const, role });
    const decide = (who: Actor, role: "viewer" | "member" | "owner" | null) => judgeProject(who, "answer_shares", project(role)).decision;
    expect(decide(actor, "viewer")).toBe("forbidden");
    expect(decide(actor, "member")).toBe("allow");
    expect(decide(actor, "owner")).toBe("allow");
    expect(decide(actor, null)).toBe("hidden");
    expect(decide({ ...actor, role: "admin" }, null)).toBe("allow");
    expect(decide({ ...actor, limits: { projectId: null, scope: "read" } }, "owner")).toBe("forbidden");
    expect(decide({ ...actor, limits: { projectId: null, scope: "upload" } }, "owner")).toBe("forbidden");
    expect(decide({ ...actor, limits: { projectId: "elsewhere", scope: "full" } }, "owner")).toBe("hidden");
    // A personal project answers for the shares to its user.
    expect(judgeProject(actor, "answer_shares", { id: "p", kind: "personal", role: "owner" }).decision).toBe("allow");
  });
});

describe("answering a share, against the database", () => {
  let env: CatalogTestEnv;
  let viewer: Actor;
  let deploy: string;
  let image: string;
  const all = listQuerySchema.parse({});

  beforeAll(async () => {
    env = await makeCatalogTestEnv();
    viewer = await upsertUser(env.db, { email: "viewer@test", name: "Viewer", password: "viewer-pass", role: "user" });
    deploy = (
      await env.db.project.create({
        data: {
          name: "deploy",
          nameKey: "deploy",
          kind: "team",
          members: {
            create: [
              { userId: env.bob.id, role: "member" },
              { userId: viewer.id, role: "viewer" },
            ],
          },
        },
      })
    ).id;
    image = await env.addImage({ owner: env.alice, name: "golden", visibility: "private" });
  });
  afterAll(async () => {
    await env.close();
  });

  const listedFor = async (actor: Actor) => {
    const page = await listImages(env.deps, actor, "all", all);
    if (!page.ok) throw new Error(page.error.message);
    return page.value.items.map((item) => item.id);
  };
  const status = async () => (await env.db.imageShare.findFirstOrThrow({ where: { imageId: image, projectId: deploy } })).status;
  const answer = (actor: Actor, to: ShareStatus) => answerShare(env.deps, actor, image, deploy, to);

  it("a pending share is reached by id but not listed; accepting lists it, rejecting unlists it; each answer is audited", async () => {
    const loaded = await env.db.image.findUniqueOrThrow({ where: { id: image } });
    const made = await createShare(env.deps, env.alice, loaded, { projectId: deploy }, INITIAL_SHARE_STATUS.glance);
    expect(made).toMatchObject({ created: true, share: { status: "pending" } });

    expect((await getImage(env.deps, env.bob, image)).ok).toBe(true);
    expect(await listedFor(env.bob)).not.toContain(image);

    expect(await answer(env.bob, "accepted")).toMatchObject({ ok: true, value: { status: "accepted" } });
    expect(await listedFor(env.bob)).toContain(image);
    expect(await answer(env.bob, "rejected")).toMatchObject({ ok: true, value: { status: "rejected" } });
    expect(await listedFor(env.bob)).not.toContain(image);
    expect((await getImage(env.deps, env.bob, image)).ok).toBe(true);

    const audited = await env.db.auditEvent.findMany({ where: { action: "share.answer", objectId: made.share.id } });
    expect(audited.map((event) => event.actorId)).toEqual([env.bob.id, env.bob.id]);
  });

  it("refuses the recipient's viewers, the image's owner and strangers, and changes nothing", async () => {
    const before = await status();
    expect(await answer(viewer, "accepted")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // The owner shares; the recipient project answers: Alice is not in it.
    expect(await answer(env.alice, "accepted")).toMatchObject({ ok: false, error: { code: "not_found" } });
    const stranger = await upsertUser(env.db, { email: "stranger@test", name: "Stranger", password: "stranger-pass", role: "user" });
    expect(await answer(stranger, "accepted")).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await status()).toBe(before);
  });

  it("keeps Hangar's own sharing as it was: a share made on the portal or the REST API is accepted and listed at once", async () => {
    const other = await env.addImage({ owner: env.alice, name: "shared-on-portal", visibility: "private" });
    const shared = await shareImage(env.deps, env.alice, other, { project: "deploy" });
    expect(shared).toMatchObject({ ok: true, value: { status: "accepted" } });
    expect(await listedFor(env.bob)).toContain(other);
  });
});
