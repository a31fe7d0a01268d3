import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { type ImageStatus, STATUSES } from "./image";
import { allows, INITIAL_STATUSES, removeImageRecord, TRANSITIONS, type TransitionName, transition, writeWhile } from "./lifecycle";

let env: CatalogTestEnv;
beforeEach(async () => {
  env = await makeCatalogTestEnv();
});
afterEach(async () => {
  await env.close();
});

const NAMES = Object.keys(TRANSITIONS) as TransitionName[];
const imageIn = (status: ImageStatus, name = `in-${status}`) => env.addImage({ owner: env.alice, name, visibility: "private", status });
const row = (id: string) => env.db.image.findUnique({ where: { id }, select: { status: true, validationProgress: true, report: true } });

describe("the table of an image's statuses", () => {
  it("is uploading -> validating -> ready | rejected (or uploading -> rejected, an import that failed), and ready, deprecated, obsolete back and forth, then deleted, nothing else", () => {
    const moves = STATUSES.flatMap((from) => NAMES.filter((name) => allows(from, name)).map((name) => `${from} -${name}-> ${TRANSITIONS[name].to}`));
    expect(moves.sort()).toEqual(
      [
        "uploading -finish-> validating",
        "validating -accept-> ready",
        "validating -reject-> rejected",
        "uploading -abandon-> rejected",
        "ready -deprecate-> deprecated",
        "obsolete -deprecate-> deprecated",
        "ready -obsolete-> obsolete",
        "deprecated -obsolete-> obsolete",
        "ready -markDeleted-> deleted",
        "deprecated -markDeleted-> deleted",
        "obsolete -markDeleted-> deleted",
        "deprecated -restore-> ready",
        "obsolete -restore-> ready",
      ].sort(),
    );
    // Every status is reachable from one an image is created in, and rejected is final.
    expect(INITIAL_STATUSES).toEqual(["uploading", "validating", "ready"]);
    expect(NAMES.filter((name) => allows("rejected", name))).toEqual([]);
    expect(NAMES.filter((name) => allows("deleted", name))).toEqual([]);
  });

  it("moves an image, with the columns written alongside, exactly when the table allows it; otherwise it leaves the row as it was", async () => {
    for (const from of STATUSES) {
      for (const name of NAMES) {
        const id = await imageIn(from, `${from}-${name}`);
        const moved = await transition(env.db, id, name, { validationProgress: 42, report: "{}" });
        expect([from, name, moved]).toEqual([from, name, allows(from, name)]);
        expect(await row(id)).toEqual(
          moved ? { status: TRANSITIONS[name].to, validationProgress: 42, report: "{}" } : { status: from, validationProgress: 0, report: null },
        );
      }
    }
  });

  it("answers false for an image that is gone", async () => {
    for (const name of NAMES) expect(await transition(env.db, "no-such-image", name)).toBe(false);
  });

  it("writes columns only while the image is in one of the given statuses", async () => {
    const id = await imageIn("validating");
    expect(await writeWhile(env.db, id, ["validating"], { validationProgress: 50 })).toBe(true);
    expect(await transition(env.db, id, "accept")).toBe(true);
    expect(await writeWhile(env.db, id, ["validating"], { validationProgress: 60 })).toBe(false);
    expect(await row(id)).toMatchObject({ status: "ready", validationProgress: 50 });
  });

  it("deletes from any status, giving back the storage key the record held; a second deletion finds nothing", async () => {
    for (const status of STATUSES) {
      const id = await imageIn(status);
      const { storageKey } = await env.db.image.findUniqueOrThrow({ where: { id } });
      expect(await removeImageRecord(env.db, id)).toEqual({ storageKey });
      expect(await removeImageRecord(env.db, id)).toBeNull();
      expect(await row(id)).toBeNull();
    }
  });

  it("deletes only in the statuses and on the condition asked for", async () => {
    const id = await imageIn("validating");
    expect(await removeImageRecord(env.db, id, ["uploading"])).toBeNull();
    expect(await removeImageRecord(env.db, id, ["validating"], { storageKey: null })).toBeNull();
    expect((await row(id))?.status).toBe("validating");
    expect(await removeImageRecord(env.db, id, ["validating"])).not.toBeNull();
  });
});
