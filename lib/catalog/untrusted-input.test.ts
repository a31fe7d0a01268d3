import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { openDownload } from "./download";
import { deleteImage, renameImage, setDeprecated, updateImage, updateImageProperties } from "./mutations";
import { publishImage } from "./publish";
import { getImage } from "./queries";
import { registerPlatformImage } from "./register";

// Server actions take arbitrary JSON from any client: the domain must answer every shape with a typed failure, never a throw.
let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? "ok" : result.error?.code);
const NOT_IDS: unknown[] = [{}, 42, null, undefined, ["x"], "", "x".repeat(10_000), { not: "" }];

describe("ids that are not ids", () => {
  it("name no image, for every function that takes one", async () => {
    const id = await env.addImage({ owner: env.alice, name: "kept", visibility: "private" });
    for (const bad of NOT_IDS) {
      const attempts = [
        getImage(env.deps, env.admin, bad),
        renameImage(env.deps, env.admin, bad, "new-name"),
        updateImageProperties(env.deps, env.admin, bad, { minMemoryMiB: 1 }),
        updateImage(env.deps, env.admin, bad, { name: "new-name" }),
        deleteImage(env.deps, env.admin, bad),
        setDeprecated(env.deps, env.admin, bad, true),
        publishImage(env.deps, env.admin, bad, "new-name"),
        openDownload(env.deps, env.admin, bad, null),
      ];
      expect((await Promise.all(attempts)).map(code), (JSON.stringify(bad) as string | undefined)?.slice(0, 40)).toEqual(
        Array(attempts.length).fill("not_found"),
      );
    }
    expect(await env.db.image.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "kept", minMemoryMiB: null });
    expect(await env.db.image.count()).toBe(1);
  });
});

describe("deprecate", () => {
  it('takes a boolean only: the string "false" changes nothing', async () => {
    const id = await env.addImage({ owner: env.admin, name: "plat", visibility: "platform" });
    for (const bad of ["false", "true", 0, 1, null, undefined, {}]) {
      const result = await setDeprecated(env.deps, env.admin, id, bad);
      expect(code(result)).toBe("invalid");
      expect(result.ok ? "" : result.error.message).toMatch(/deprecate/);
    }
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).status).toBe("ready");
    expect(code(await setDeprecated(env.deps, env.admin, id, true))).toBe("ok");
    expect(code(await setDeprecated(env.deps, env.admin, id, false))).toBe("ok");
  });
});

describe("register", () => {
  it("refuses a file name that is not a plain string, before touching the import directory", async () => {
    fs.mkdirSync(env.deps.importDir, { recursive: true });
    const file = path.join(env.deps.importDir, "disk.raw");
    fs.writeFileSync(file, new Uint8Array(4096));
    for (const input of [
      { fileName: 42, name: "x" },
      { fileName: ["disk.raw"], name: "x" },
      { fileName: { toString: "disk.raw" }, name: "x" },
      { name: "x" },
      null,
      "disk.raw",
      [],
    ]) {
      const result = await registerPlatformImage(env.deps, env.admin, input);
      expect(code(result), JSON.stringify(input)).toBe("invalid");
      expect(result.ok ? undefined : result.error.message).toBe("Choose a file from the import directory.");
    }
    expect(fs.existsSync(file)).toBe(true);
    expect(await env.db.image.count({ where: { visibility: "platform", name: "x" } })).toBe(0);
  });
});
