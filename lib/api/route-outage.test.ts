import { afterAll, beforeAll, expect, it } from "vitest";
import { type Db, openDb } from "../db/client";
import { RETRY_AFTER_SECONDS } from "../http/engine-outage";
import { freePort } from "../testing/hangar-process";
import { versionOperation } from "./operations";
import { apiRoute } from "./route";

// apiRoute is the one place the API's operations turn a throw into an answer: an engine away is a 503 the client may
// retry, a bug stays a 500. The database is a real PostgreSQL client on a port nobody listens on.
let down: Db;
beforeAll(async () => {
  down = openDb(`postgresql://hangar@127.0.0.1:${await freePort()}/hangar`);
});
afterAll(() => down.$disconnect());

const call = (handler: () => Promise<never>) =>
  apiRoute(versionOperation, handler)(new Request("http://hangar/api/v1/version"), { params: Promise.resolve({}) });

it("answers 503 with Retry-After, in the API's error shape, when the database does not answer", async () => {
  const answer = await call(async () => {
    await down.user.findFirst();
    throw new Error("unreachable: the query fails");
  });
  expect(answer.status).toBe(503);
  expect(answer.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
  expect(await answer.json()).toEqual({ error: { code: "unavailable", message: expect.stringContaining("cannot reach its database") as string } });
});

it("still answers a bug with 500 and no Retry-After", async () => {
  const answer = await call(() => Promise.reject(new TypeError("x is undefined")));
  expect([answer.status, answer.headers.get("retry-after")]).toEqual([500, null]);
  expect(await answer.json()).toMatchObject({ error: { code: "internal" } });
});
