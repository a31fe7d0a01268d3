import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertUser } from "../auth/users";
import { ensurePersonalProject } from "../projects/personal";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { checkNewImage } from "./create";
import { nameColumns, nameKey } from "./image-name";
import { renameImage, updateImage } from "./mutations";
import { publishImage } from "./publish";
import { listImages } from "./queries";
import { listQuerySchema, registerInputSchema } from "./schemas";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const query = (input: Record<string, unknown> = {}) => listQuerySchema.parse(input);

describe("names that would display as something else", () => {
  it.each([
    ["a right-to-left override", "invoice\u202Egpj.img", "U+202E"],
    ["a zero-width space", "debian\u200B12", "U+200B"],
    ["a zero-width joiner", "deb\u200Dian", "U+200D"],
    ["a byte order mark", "deb\uFEFFian", "U+FEFF"],
    ["a C1 control", "debian\u008512", "U+0085"],
    ["a C0 control", "a\u0000b", "U+0000"],
    ["a line separator", "debian\u2028twelve", "U+2028"],
    ["a paragraph separator", "debian\u2029twelve", "U+2029"],
    ["a private-use character", "debian\uE000", "U+E000"],
    ["an unassigned code point", "debian\u0378", "U+0378"],
    ["a lone surrogate", "debian\uD800", "U+D800"],
  ])("refuses %s with a message naming it, everywhere a name is given, and writes nothing", async (_what, name, codePoint) => {
    const id = await env.addImage({ owner: env.alice, name: `plain ${codePoint}`, visibility: "private" });
    const results = [
      await renameImage(env.deps, env.alice, id, name),
      await updateImage(env.deps, env.alice, id, { name }),
      await checkNewImage(env.deps, { creator: env.alice, target: { visibility: "private", projectId: null }, name }),
    ];
    for (const result of results) {
      expect(result.ok ? "ok" : result.error.code).toBe("invalid");
      expect(result.ok ? "" : result.error.fields?.name).toContain(codePoint);
    }
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).name).toBe(`plain ${codePoint}`);
  });

  it("refuses a name mixing Latin with Cyrillic or Greek letters, which can pass for another", async () => {
    const id = await env.addImage({ owner: env.alice, name: "mixed-test", visibility: "private" });
    for (const [name, stray] of [
      ["D\u0435bian", "U+0435"],
      ["\u0391lpine", "U+0391"],
    ]) {
      const result = await renameImage(env.deps, env.alice, id, name);
      expect(result.ok ? "ok" : result.error.fields?.name).toContain(stray);
    }
    // One script at a time is fine, with digits and punctuation.
    for (const name of ["Дебиан-12", "Ελληνικά 2", "Ubuntu 24.04 LTS (noble)", "日本語イメージ"]) {
      expect((await renameImage(env.deps, env.alice, id, name)).ok).toBe(true);
    }
  });

  it("stores names in NFC, so that an accent typed either way is one name", async () => {
    const id = await env.addImage({ owner: env.alice, name: "nfc-test", visibility: "private" });
    const renamed = await renameImage(env.deps, env.alice, id, "Cafe\u0301 images");
    expect(renamed.ok && renamed.value.name).toBe("Caf\u00E9 images");
  });

  it("refuses the same characters in a file name from the import directory", () => {
    const parsed = registerInputSchema.safeParse({ fileName: "debian\u202Ewoc2.qcow2", name: "x" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/File names cannot contain U\+202E.*Rename the file/);
    expect(registerInputSchema.safeParse({ fileName: "debian-12 (copy).qcow2", name: "x" }).success).toBe(true);
  });
});

describe("names that look the same are the same name", () => {
  it.each([
    ["case", "Debian 12", "debian 12"],
    ["NFC and NFD", "Caf\u00E9", "Cafe\u0301"],
    ["fullwidth letters (NFKC)", "Debian", "\uFF24\uFF45\uFF42\uFF49\uFF41\uFF4E"],
    ["a ligature (NFKC)", "office", "o\uFB03ce"],
    ["runs of spaces, which a page shows as one", "Debian 12", "Debian   12"],
    ["a no-break space", "Debian 12", "Debian\u00A012"],
    ["a hyphen that looks like -", "debian-12", "debian\u201012"],
    ["German sharp s (case folding)", "STRASSE", "stra\u00DFe"],
  ])("%s: a second image of one owner gets the name-taken conflict", async (_what, first, second) => {
    const owner = await upsertUser(env.db, {
      email: `owner-${nameKey(first).length}-${Math.random()}@test`,
      name: "Owner",
      password: "pw-owner",
      role: "user",
    });
    await env.addImage({ owner, name: first, visibility: "private" });
    const other = await env.addImage({ owner, name: "other", visibility: "private" });
    const renamed = await renameImage(env.deps, owner, other, second);
    expect(renamed.ok ? "ok" : renamed.error.code).toBe("conflict");
    const created = await checkNewImage(env.deps, { creator: owner, target: { visibility: "private", projectId: null }, name: second });
    expect(created.ok ? "ok" : created.error.code).toBe("conflict");
  });

  it("the database itself refuses two keys in one scope: a write that skipped the check still collides", async () => {
    const project = (await ensurePersonalProject(env.db, env.bob)).id;
    const base = { visibility: "private", projectId: project, createdById: env.bob.id, status: "ready" } as const;
    await env.db.image.create({ data: { ...base, ...nameColumns("Golden", "private", project) } });
    await expect(env.db.image.create({ data: { ...base, ...nameColumns("GOLDEN", "private", project) } })).rejects.toMatchObject({ code: "P2002" });
  });

  it("two admins' platform names collide too, at the index and not only at the check", async () => {
    const second = await upsertUser(env.db, { email: "admin2@test", name: "Admin Two", password: "admin-two", role: "admin" });
    const a = await env.addImage({ owner: env.alice, name: "to-publish-a", visibility: "private" });
    const b = await env.addImage({ owner: env.bob, name: "to-publish-b", visibility: "private" });
    const results = await Promise.all([publishImage(env.deps, env.admin, a, "Fleet image"), publishImage(env.deps, second, b, "FLEET IMAGE")]);
    expect(results.map((result) => (result.ok ? "ok" : result.error.code)).sort()).toEqual(["conflict", "ok"]);
  });

  it("other owners' private names and platform names are other scopes", async () => {
    await env.addImage({ owner: env.alice, name: "shared-name", visibility: "private" });
    expect((await checkNewImage(env.deps, { creator: env.bob, target: { visibility: "private", projectId: null }, name: "SHARED-NAME" })).ok).toBe(true);
    expect((await checkNewImage(env.deps, { creator: env.admin, target: { visibility: "platform" }, name: "Shared-Name" })).ok).toBe(true);
  });
});

describe("search", () => {
  it("takes % and _ literally, is case-insensitive beyond ASCII, and folds like names", async () => {
    const scratch = await makeCatalogTestEnv();
    try {
      for (const name of ["50% off", "5000 offers", "snake_case", "snakeXcase", "back\\slash", "\u00C9COLE", "Stra\u00DFe", "Debian 12"])
        await scratch.addImage({ owner: scratch.alice, name, visibility: "private" });
      const names = async (q: string) => {
        const page = await listImages(scratch.deps, scratch.alice, "mine", query({ q }));
        return page.ok ? page.value.items.map((image) => image.name).sort() : [];
      };
      expect(await names("%")).toEqual(["50% off"]);
      expect(await names("_")).toEqual(["snake_case"]);
      expect(await names("0%")).toEqual(["50% off"]);
      expect(await names("e_c")).toEqual(["snake_case"]);
      expect(await names("\\")).toEqual(["back\\slash"]);
      expect(await names("%%")).toEqual([]);
      expect(await names("\u00E9cole")).toEqual(["\u00C9COLE"]);
      expect(await names("STRASSE")).toEqual(["Stra\u00DFe"]);
      expect(await names("debian  12")).toEqual(["Debian 12"]);
      expect(await names("\uFF24\uFF45\uFF42")).toEqual(["Debian 12"]);
      // Characters no name can hold are dropped from the query rather than matching nothing.
      expect(await names("deb\u200Bian")).toEqual(["Debian 12"]);
    } finally {
      await scratch.close();
    }
  });
});
