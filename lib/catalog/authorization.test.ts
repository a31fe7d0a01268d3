import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import type { DomainErrorCode, Result } from "../result";
import { openDownload } from "./download";
import { deleteImage, renameImage, updateImageProperties } from "./mutations";
import { publishImage } from "./publish";

// The same functions the server actions and API routes call, for every actor on both kinds of image.
let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

type Who = "owner" | "other" | "admin" | "anonymous";
type Outcome = "ok" | DomainErrorCode;
type Action = "rename" | "edit" | "delete" | "download" | "publish";

const actorFor = (who: Who): Actor | null => ({ owner: env.alice, other: env.bob, admin: env.admin, anonymous: null })[who];

async function attempt(action: Action, actor: Actor | null, id: string): Promise<Result<unknown>> {
  switch (action) {
    case "rename":
      return renameImage(env.deps, actor, id, `renamed-${Math.random().toString(36).slice(2, 8)}`);
    case "edit":
      return updateImageProperties(env.deps, actor, id, { minMemoryMiB: 2048 });
    case "delete":
      return deleteImage(env.deps, actor, id);
    case "download": {
      const result = await openDownload(env.deps, actor, id, null);
      if (result.ok) result.value.body?.destroy();
      return result;
    }
    case "publish":
      return publishImage(env.deps, actor, id, `published-${Math.random().toString(36).slice(2, 8)}`);
  }
}

// For a platform image "owner" is a regular user (alice): platform images belong to the platform.
const MATRIX: Record<"private" | "platform", Record<Action, Record<Who, Outcome>>> = {
  private: {
    rename: { owner: "ok", other: "not_found", admin: "ok", anonymous: "unauthenticated" },
    edit: { owner: "ok", other: "not_found", admin: "ok", anonymous: "unauthenticated" },
    delete: { owner: "ok", other: "not_found", admin: "ok", anonymous: "unauthenticated" },
    download: { owner: "ok", other: "not_found", admin: "ok", anonymous: "unauthenticated" },
    publish: { owner: "forbidden", other: "not_found", admin: "ok", anonymous: "unauthenticated" },
  },
  platform: {
    rename: { owner: "forbidden", other: "forbidden", admin: "ok", anonymous: "unauthenticated" },
    edit: { owner: "forbidden", other: "forbidden", admin: "ok", anonymous: "unauthenticated" },
    delete: { owner: "forbidden", other: "forbidden", admin: "ok", anonymous: "unauthenticated" },
    download: { owner: "ok", other: "ok", admin: "ok", anonymous: "unauthenticated" },
    // Admins may publish, but not what is already a platform image.
    publish: { owner: "forbidden", other: "forbidden", admin: "conflict", anonymous: "unauthenticated" },
  },
};

describe.each(["private", "platform"] as const)("on a %s image", (visibility) => {
  for (const action of Object.keys(MATRIX[visibility]) as Action[]) {
    for (const who of ["owner", "other", "admin", "anonymous"] as const) {
      const expected = MATRIX[visibility][action][who];
      it(`${action} by ${who}: ${expected}`, async () => {
        const owner = visibility === "private" ? env.alice : env.admin;
        const id = await env.addImage({ owner, name: `${visibility}-${action}-${who}`, visibility });
        const before = await env.db.image.findUniqueOrThrow({ where: { id } });
        const result = await attempt(action, actorFor(who), id);
        expect(result.ok ? "ok" : result.error.code).toBe(expected);
        if (!result.ok) {
          // A refused action changes nothing: same record, bytes still there.
          const after = await env.db.image.findUniqueOrThrow({ where: { id } });
          expect(after).toEqual(before);
          expect(await env.deps.store.size(after.storageKey ?? "")).toBe(4096);
        }
      });
    }
  }
});
