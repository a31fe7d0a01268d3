import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { ensurePersonalProject } from "../projects/personal";
import { checkNewImage, insertImage } from "./create";
import { setDeprecation } from "./deprecation";
import { applyDueDeprecations } from "./deprecation-schedule";
import { openDownload } from "./download";
import { familyDefaults, familyHistory } from "./families";
import { getImage, listImages } from "./queries";
import { listQuerySchema } from "./schemas";
import { projectUsage } from "./usage";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? "ok" : result.error?.code);
const message = (result: { ok: boolean; error?: { message: string } }) => (result.ok ? "ok" : result.error?.message);
let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}`;

/** Adds versions of a new family (in the order given, which is not the version order) and returns the family and ids by version. */
async function family(owner: Actor, visibility: "private" | "platform", versions: [version: string, status?: string][]) {
  const name = unique("fam");
  const ids: Record<string, string> = {};
  for (const [version, status] of versions) ids[version] = await env.addImage({ owner, name: `${name}-${version}`, visibility, family: name, version, status });
  return { name, ids };
}

async function idOf(actor: Actor, ref: string) {
  const image = await getImage(env.deps, actor, ref);
  return image.ok ? image.value.id : image.error.code;
}

async function download(actor: Actor, ref: string) {
  const opened = await openDownload(env.deps, actor, ref, null);
  if (opened.ok) opened.value.body?.destroy();
  return opened;
}

describe("FAMILY@latest and FAMILY@VERSION", () => {
  it("@latest is the newest ready version by the version order, not by upload order; in flight and retired ones are skipped", async () => {
    const { name, ids } = await family(env.alice, "private", [
      ["1.10"],
      ["1.9"],
      ["1.11", "validating"],
      ["1.12", "deprecated"],
      ["1.13", "obsolete"],
      ["1.14", "rejected"],
    ]);
    expect(await idOf(env.alice, `${name}@latest`)).toBe(ids["1.10"]);
    // A pinned version resolves whatever its state, so that its user learns the replacement; equal spellings too.
    expect(await idOf(env.alice, `${name}@1.12`)).toBe(ids["1.12"]);
    expect(await idOf(env.alice, `${name}@1.09`)).toBe(ids["1.9"]);
    expect(await idOf(env.alice, `${name}@2.0`)).toBe("not_found");
    expect(await idOf(env.alice, "no-such-family@latest")).toBe("not_found");
    const opened = await download(env.alice, `${name}@latest`);
    expect(opened.ok).toBe(true);
  });

  it("resolves the actor's own family first, then the platform's; never another user's", async () => {
    const platform = await family(env.admin, "platform", [["1"], ["2"], ["3", "validating"]]);
    expect(await idOf(env.bob, `${platform.name}@latest`)).toBe(platform.ids["2"]);
    // Users do not see platform versions on their way in; admins do, by version.
    expect(await idOf(env.bob, `${platform.name}@3`)).toBe("not_found");
    expect(await idOf(env.admin, `${platform.name}@3`)).toBe(platform.ids["3"]);
    const own = await env.addImage({ owner: env.alice, name: unique("shadow"), visibility: "private", family: platform.name, version: "0.1" });
    expect(await idOf(env.alice, `${platform.name}@latest`)).toBe(own);
    expect(await idOf(env.bob, `${platform.name}@latest`)).toBe(platform.ids["2"]);
    const alices = await family(env.alice, "private", [["1"]]);
    expect(await idOf(env.bob, `${alices.name}@latest`)).toBe("not_found");
    expect(await idOf(env.bob, `${alices.name}@1`)).toBe("not_found");
  });

  it("a family whose versions are all retired resolves to nothing, and malformed references name nothing", async () => {
    const { name } = await family(env.alice, "private", [
      ["1", "deprecated"],
      ["2", "obsolete"],
    ]);
    expect(await idOf(env.alice, `${name}@latest`)).toBe("not_found");
    for (const bad of [`${name}@`, `@latest`, `${name.toUpperCase()}@latest`, `${name}@latest@latest`, `${name}@ 1`, "x".repeat(200)])
      expect([bad, await idOf(env.alice, bad)]).toEqual([bad, "not_found"]);
  });
});

describe("adding a version", () => {
  it("starts from the previous version's properties; what is given wins", async () => {
    const name = unique("props");
    const first = await checkNewImage(env.deps, {
      creator: env.alice,
      target: { visibility: "private", projectId: null },
      name: `${name}-1`,
      family: name,
      version: "1.0",
      properties: { description: "Golden", minMemoryMiB: 2048, osDistro: "debian", properties: { hw_disk_bus: "virtio" } },
    });
    if (!first.ok) throw new Error(first.error.message);
    await insertImage(env.deps, first.value, { status: "ready" }, "image.upload");
    const second = await checkNewImage(env.deps, {
      creator: env.alice,
      target: { visibility: "private", projectId: null },
      name: `${name}-2`,
      family: name,
      version: "1.1",
      properties: { minMemoryMiB: 4096 },
    });
    expect(second.ok && second.value.fields).toMatchObject({
      description: "Golden",
      minMemoryMiB: 4096,
      osDistro: "debian",
      properties: JSON.stringify({ hw_disk_bus: "virtio" }),
      family: name,
      version: "1.1",
    });
    // Another user's family of the same name is not a model.
    const bobs = await checkNewImage(env.deps, {
      creator: env.bob,
      target: { visibility: "private", projectId: null },
      name: `${name}-b`,
      family: name,
      version: "9",
    });
    expect(bobs.ok && bobs.value.fields).toMatchObject({ properties: "{}" });
    expect(bobs.ok && bobs.value.fields.description).toBeUndefined();
  });

  it("the upload dialog is offered the previous version's properties in the actor's own project, not another user's", async () => {
    const { name } = await family(env.alice, "private", [["1.0"], ["1.2"], ["1.1"]]);
    const offered = await familyDefaults(env.deps, env.alice, name, "private");
    expect(offered.ok && offered.value?.version).toBe("1.2");
    expect(await familyDefaults(env.deps, env.bob, name, "private")).toEqual({ ok: true, value: null });
    expect(await familyDefaults(env.deps, env.alice, name, "platform")).toEqual({ ok: true, value: null });
    expect(code(await familyDefaults(env.deps, null, name, "private"))).toBe("unauthenticated");
  });

  it("the upload dialog's defaults come from the project chosen in the switcher, and a project the actor may not upload into offers none", async () => {
    const team = await env.db.project.create({
      data: {
        name: unique("Team"),
        nameKey: unique("team"),
        kind: "team",
        members: {
          create: [
            { userId: env.alice.id, role: "member" },
            { userId: env.bob.id, role: "viewer" },
          ],
        },
      },
    });
    const name = unique("fam");
    await env.addImage({ owner: env.alice, name: `${name}-3`, visibility: "private", projectId: team.id, family: name, version: "3" });
    const offered = await familyDefaults(env.deps, env.alice, name, "private", team.id);
    expect(offered.ok && offered.value?.version).toBe("3");
    // Not in Alice's personal project, where the dialog looks without a project.
    expect(await familyDefaults(env.deps, env.alice, name, "private")).toEqual({ ok: true, value: null });
    // A viewer cannot upload there; the admin's own project is another.
    expect(await familyDefaults(env.deps, env.bob, name, "private", team.id)).toEqual({ ok: true, value: null });
    expect(await familyDefaults(env.deps, env.alice, name, "private", "no-such-project")).toEqual({ ok: true, value: null });
  });

  it("refuses a version the family has (also spelled differently), and a family without a version", async () => {
    const { name } = await family(env.alice, "private", [["2026.12.06"]]);
    const again = await checkNewImage(env.deps, {
      creator: env.alice,
      target: { visibility: "private", projectId: null },
      name: unique("again"),
      family: name,
      version: "2026.12.6",
    });
    expect(code(again)).toBe("conflict");
    expect(message(again)).toMatch(/already has version 2026\.12\.6.*new version/);
    expect(
      code(await checkNewImage(env.deps, { creator: env.alice, target: { visibility: "private", projectId: null }, name: unique("x"), family: name })),
    ).toBe("invalid");
    expect(
      code(await checkNewImage(env.deps, { creator: env.alice, target: { visibility: "private", projectId: null }, name: unique("x"), version: "1" })),
    ).toBe("invalid");
    expect(
      code(
        await checkNewImage(env.deps, {
          creator: env.alice,
          target: { visibility: "private", projectId: null },
          name: unique("x"),
          family: "Bad Family",
          version: "1",
        }),
      ),
    ).toBe("invalid");
  });

  it("two uploads of one version at once: one wins, the other gets the version conflict", async () => {
    const name = unique("race");
    const checked = await Promise.all(
      ["a", "b"].map((suffix) =>
        checkNewImage(env.deps, {
          creator: env.alice,
          target: { visibility: "private", projectId: null },
          name: `${name}-${suffix}`,
          family: name,
          version: "1.0",
        }),
      ),
    );
    const results = await Promise.all(checked.map(async (one) => (one.ok ? insertImage(env.deps, one.value, { status: "ready" }, "image.upload") : one)));
    expect(results.map(code).sort()).toEqual(["conflict", "ok"]);
    expect(results.map(message).find((text) => text !== "ok")).toMatch(/already has version 1\.0/);
  });
});

describe("lists and history", () => {
  it("a family is one row, its newest ready version; the history has every version, newest first", async () => {
    const { name, ids } = await family(env.alice, "private", [["1.2"], ["1.10"], ["1.11", "deprecated"], ["1.12", "uploading"]]);
    const list = await listImages(env.deps, env.alice, "mine", listQuerySchema.parse({ q: name }));
    expect(list.ok && list.value.items.map((image) => image.version)).toEqual(["1.10", "1.12"]);
    expect(list.ok && list.value.total).toBe(2);
    const history = await familyHistory(env.deps, env.alice, name);
    expect(history.ok && history.value.versions.map((image) => `${image.version}:${image.status}`)).toEqual([
      "1.12:uploading",
      "1.11:deprecated",
      "1.10:ready",
      "1.2:ready",
    ]);
    expect(history.ok && history.value.latestId).toBe(ids["1.10"]);
    expect(code(await familyHistory(env.deps, env.bob, name))).toBe("not_found");
    expect(code(await familyHistory(env.deps, null, name))).toBe("unauthenticated");
  });

  it("hides deprecated, obsolete and deleted versions from lists unless asked for", async () => {
    const { name } = await family(env.alice, "private", [["1", "obsolete"]]);
    const names = async (deprecated: boolean) => {
      const list = await listImages(env.deps, env.alice, "mine", listQuerySchema.parse({ q: name, deprecated: deprecated ? "1" : undefined }));
      return list.ok ? list.value.items.map((image) => image.deprecation.state) : [];
    };
    expect(await names(false)).toEqual([]);
    expect(await names(true)).toEqual(["obsolete"]);
  });
});

describe("deprecation", () => {
  it("deprecated: usable, with its replacement; obsolete: download refused (410) naming it; deleted: bytes gone, record kept", async () => {
    const { name, ids } = await family(env.alice, "private", [["1"], ["2"]]);
    const old = ids["1"];
    const deprecated = await setDeprecation(env.deps, env.alice, old, { state: "deprecated", replacement: `${name}@latest` });
    expect(deprecated.ok && deprecated.value.deprecation).toMatchObject({ state: "deprecated", replacement: `${name}@latest` });
    expect((await download(env.alice, old)).ok).toBe(true);

    expect(code(await setDeprecation(env.deps, env.alice, old, { state: "obsolete" }))).toBe("ok");
    const refused = await download(env.alice, `${name}@1`);
    expect(code(refused)).toBe("gone");
    expect(message(refused)).toBe(`"${name}-1" is obsolete and no longer offered for new use. Use ${name}@latest instead.`);
    expect(await idOf(env.alice, old)).toBe(old);

    const oldRow = await env.db.image.findUniqueOrThrow({ where: { id: old } });
    const storageKey = oldRow.storageKey as string;
    const aliceProject = (await ensurePersonalProject(env.db, env.alice)).id;
    const usedBefore = await projectUsage(env.db, aliceProject);
    expect(code(await setDeprecation(env.deps, env.alice, old, { state: "deleted" }))).toBe("ok");
    expect(await env.deps.store.size(storageKey)).toBeNull();
    expect(await env.db.image.findUniqueOrThrow({ where: { id: old } })).toMatchObject({ status: "deleted", storageKey: null, replacement: `${name}@latest` });
    expect(message(await download(env.alice, old))).toMatch(/was deleted\. Use .*@latest instead/);
    // Its bytes are gone, so they no longer count toward the owner's quota.
    expect(await projectUsage(env.db, aliceProject)).toBe(usedBefore - Number(oldRow.fileSize));
    expect(code(await setDeprecation(env.deps, env.alice, old, { state: "active" }))).toBe("conflict");
  });

  it("back to active clears the replacement and the schedule", async () => {
    const id = await env.addImage({ owner: env.alice, name: unique("restore"), visibility: "private" });
    const other = await env.addImage({ owner: env.alice, name: unique("other"), visibility: "private" });
    expect(code(await setDeprecation(env.deps, env.alice, id, { state: "deprecated", replacement: other, deleteOn: "2999-01-01" }))).toBe("ok");
    const restored = await setDeprecation(env.deps, env.alice, id, { state: "active" });
    expect(restored.ok && restored.value.deprecation).toEqual({ state: "active", replacement: null, deprecateOn: null, obsoleteOn: null, deleteOn: null });
    expect(restored.ok && restored.value.status).toBe("ready");
  });

  it("checks the replacement and the dates; nothing changes when one is wrong", async () => {
    const id = await env.addImage({ owner: env.alice, name: unique("checked"), visibility: "private" });
    const bobs = await env.addImage({ owner: env.bob, name: unique("bobs"), visibility: "private" });
    const platform = await env.addImage({ owner: env.admin, name: unique("plat"), visibility: "platform" });
    const own = await env.addImage({ owner: env.admin, name: unique("admins-own"), visibility: "private" });
    const before = await env.db.image.findUniqueOrThrow({ where: { id } });
    for (const [input, pattern] of [
      [{ state: "deprecated", replacement: bobs }, /names no image you can see/],
      [{ state: "deprecated", replacement: id }, /cannot replace itself/],
      [{ state: "deprecated", replacement: "nobody@latest" }, /names no image/],
      [{ state: "gone" }, /state is one of active, deprecated, obsolete, deleted/],
      [{ obsoleteOn: "2030-01-01", deleteOn: "2029-01-01" }, /in order/],
      [{ deleteOn: "next week" }, /date such as 2027-01-31/],
      [{ state: "deprecated", storageKey: "x" }, /Unrecognized key/],
      [{}, /Give a state/],
    ] as const) {
      const result = await setDeprecation(env.deps, env.alice, id, input);
      expect([JSON.stringify(input), code(result)]).toEqual([JSON.stringify(input), "invalid"]);
      expect(message(result)).toMatch(pattern);
    }
    expect(await env.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
    expect(message(await setDeprecation(env.deps, env.admin, platform, { state: "deprecated", replacement: own }))).toMatch(
      /only be replaced by a platform image/,
    );
  });

  it("is refused to whoever must not: another user (as if absent), a user on a platform image, the anonymous; nothing changes", async () => {
    const alices = await env.addImage({ owner: env.alice, name: unique("alices"), visibility: "private" });
    const platform = await env.addImage({ owner: env.admin, name: unique("platform"), visibility: "platform" });
    for (const state of ["deprecated", "obsolete", "deleted"] as const) {
      expect(code(await setDeprecation(env.deps, env.bob, alices, { state }))).toBe("not_found");
      expect(code(await setDeprecation(env.deps, env.alice, platform, { state }))).toBe("forbidden");
      expect(code(await setDeprecation(env.deps, null, alices, { state }))).toBe("unauthenticated");
    }
    expect(code(await setDeprecation(env.deps, env.bob, alices, { deleteOn: "2000-01-01" }))).toBe("not_found");
    const rows = await env.db.image.findMany({ where: { id: { in: [alices, platform] } } });
    expect(rows.map((row) => [row.status, row.deleteOn, row.replacement])).toEqual([
      ["ready", null, null],
      ["ready", null, null],
    ]);
    expect(code(await setDeprecation(env.deps, env.admin, platform, { state: "deprecated" }))).toBe("ok");
    expect(code(await setDeprecation(env.deps, env.admin, alices, { state: "deprecated" }))).toBe("ok");
  });

  it("refuses images on their way in", async () => {
    const id = await env.addImage({ owner: env.alice, name: unique("inflight"), visibility: "private", status: "validating" });
    expect(code(await setDeprecation(env.deps, env.alice, id, { state: "deprecated" }))).toBe("conflict");
  });
});

describe("scheduled deprecation", () => {
  it("takes effect when its date has come, only forward, the most advanced due state at once, on every node at most once", async () => {
    const past = "2020-01-01";
    const ids = {
      deprecate: await env.addImage({ owner: env.alice, name: unique("due-dep"), visibility: "private" }),
      obsoleteFromDeprecated: await env.addImage({ owner: env.alice, name: unique("due-obs"), visibility: "private" }),
      allDue: await env.addImage({ owner: env.alice, name: unique("due-all"), visibility: "private" }),
      future: await env.addImage({ owner: env.alice, name: unique("due-future"), visibility: "private" }),
      alreadyObsolete: await env.addImage({ owner: env.alice, name: unique("due-back"), visibility: "private" }),
    };
    await setDeprecation(env.deps, env.alice, ids.deprecate, { deprecateOn: past });
    await setDeprecation(env.deps, env.alice, ids.obsoleteFromDeprecated, { state: "deprecated", obsoleteOn: past });
    await setDeprecation(env.deps, env.alice, ids.allDue, { deprecateOn: "2019-01-01", obsoleteOn: "2019-06-01", deleteOn: past });
    await setDeprecation(env.deps, env.alice, ids.future, { deprecateOn: "2999-01-01" });
    // An obsolete image whose deprecation date passes stays obsolete: a schedule never moves back.
    await setDeprecation(env.deps, env.alice, ids.alreadyObsolete, { state: "obsolete", deprecateOn: past });
    const allDueKey = (await env.db.image.findUniqueOrThrow({ where: { id: ids.allDue } })).storageKey as string;

    const runs = await Promise.all([applyDueDeprecations(env.deps), applyDueDeprecations(env.deps)]);
    const moved = runs.flat().filter((move) => Object.values(ids).includes(move.id));
    expect(moved.map((move) => move.id).sort()).toEqual([ids.deprecate, ids.obsoleteFromDeprecated, ids.allDue].sort());
    const status = async (id: string) => (await env.db.image.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(ids.deprecate)).toBe("deprecated");
    expect(await status(ids.obsoleteFromDeprecated)).toBe("obsolete");
    expect(await status(ids.allDue)).toBe("deleted");
    expect(await env.deps.store.size(allDueKey)).toBeNull();
    expect(await status(ids.future)).toBe("ready");
    expect(await status(ids.alreadyObsolete)).toBe("obsolete");
    expect((await applyDueDeprecations(env.deps)).filter((move) => Object.values(ids).includes(move.id))).toEqual([]);
  });
});
