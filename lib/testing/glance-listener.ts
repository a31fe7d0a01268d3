import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Actor } from "../auth/actor";
import { createToken } from "../auth/tokens";
import type { GlanceDeps } from "../glance/deps";
import { glanceTestDeps } from "../glance/testing/glance-cli";
import { type GlanceListenOptions, startGlanceListener } from "../glance/server";
import { parseTrustedProxies } from "../http/forwarding";
import { type UploadTestEnv, makeUploadTestEnv } from "./upload-env";

export interface GlanceTestListener {
  env: UploadTestEnv;
  deps: GlanceDeps;
  /** The listener's root, as a client is given it (http://127.0.0.1:port). */
  url: string;
  /** A Hangar API token of Alice's and one of Bob's. */
  tokens: { alice: string; bob: string };
  close(): Promise<void>;
}

/** A token of the actor's for the Glance door. */
export async function tokenOf(env: UploadTestEnv, actor: Actor, scope?: "read"): Promise<string> {
  const created = await createToken(env.db, actor, { name: "glance", expiresInDays: null, ...(scope ? { scope } : {}) });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.secret;
}

/** The upload test environment with the Glance API listening on a free port of this process, as the running server starts it. */
export async function startGlanceTestListener(options: Partial<Pick<GlanceListenOptions, "accessLog">> = {}): Promise<GlanceTestListener> {
  const env = await makeUploadTestEnv();
  const deps = glanceTestDeps(env);
  const server: Server = await startGlanceListener(deps, { port: 0, hostname: "127.0.0.1", trust: parseTrustedProxies(undefined), ...options });
  return {
    env,
    deps,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens: { alice: await tokenOf(env, env.alice), bob: await tokenOf(env, env.bob) },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await env.close();
    },
  };
}
