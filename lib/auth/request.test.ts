import { afterAll, beforeAll, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { sessionCookie } from "../testing/session-cookie";
import { actorFromRequest, authenticateRequest } from "./request";
import { createToken, revokeToken } from "./tokens";

let env: CatalogTestEnv;
let bobCookie: string;
const saved = { DATABASE_URL: process.env.DATABASE_URL, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET };

beforeAll(async () => {
  env = await makeCatalogTestEnv();
  // authenticateRequest uses the process-wide client and secret, as the server does.
  process.env.DATABASE_URL = env.databaseUrl;
  process.env.NEXTAUTH_SECRET = "request-test-secret";
  bobCookie = await sessionCookie(env.db, env.bob, "request-test-secret");
});
afterAll(async () => {
  Object.assign(process.env, saved);
  await env.close();
});

const request = (headers: Record<string, string>) => new Request("http://hangar.test/api/v1/me", { headers });

async function secretFor(actor = env.alice) {
  const result = await createToken(env.db, actor, { name: "request-test", expiresInDays: null });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

it("authenticates a bearer token as its user", async () => {
  const { secret } = await secretFor();
  const result = await authenticateRequest(request({ authorization: `Bearer ${secret}` }));
  expect(result.ok && result.value).toMatchObject({ via: "token", actor: { id: env.alice.id }, token: { name: "request-test" } });
  // Node's IncomingMessage headers (the tus server) work the same way.
  expect((await actorFromRequest({ headers: { authorization: `bearer   ${secret}` } }))?.id).toBe(env.alice.id);
});

it("authenticates the session cookie when there is no bearer token", async () => {
  const result = await authenticateRequest(request({ cookie: bobCookie }));
  expect(result.ok && result.value).toMatchObject({ via: "session", actor: { id: env.bob.id } });
  // A proxy's Basic credentials are not Hangar's business.
  expect((await actorFromRequest(request({ cookie: bobCookie, authorization: "Basic Ym9iOnB3" })))?.id).toBe(env.bob.id);
});

it("a bearer token that fails is a failure, even next to a valid session", async () => {
  const { secret, token } = await secretFor();
  await revokeToken(env.db, env.alice, token.id);
  for (const authorization of [`Bearer ${secret}`, "Bearer", "Bearer ", "Bearer hgr_nope"]) {
    const result = await authenticateRequest(request({ authorization, cookie: bobCookie }));
    expect(result.ok ? "ok" : result.error.code).toBe("unauthenticated");
  }
  expect(await actorFromRequest(request({ authorization: `Bearer ${secret}` }))).toBeNull();
});

it("answers unauthenticated with neither", async () => {
  const result = await authenticateRequest(request({}));
  expect(result.ok ? "ok" : result.error.message).toMatch(/Bearer/);
  expect(await actorFromRequest(request({ cookie: "next-auth.session-token=garbage" }))).toBeNull();
});
