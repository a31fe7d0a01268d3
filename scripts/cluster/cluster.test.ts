import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { createToken } from "../../lib/auth/tokens";
import { findActor } from "../../lib/auth/users";
import { openDb } from "../../lib/db/client";
import { s3Config } from "../../lib/storage/s3-config";
import { S3ImageStore } from "../../lib/storage/s3-store";
import { startCluster } from "../../lib/testing/cluster";
import { engineDir } from "../../lib/testing/engine-process";
import { freePort } from "../../lib/testing/hangar-process";
import { sessionCookie } from "../../lib/testing/session-cookie";

// The production shape as scripts/cluster/up.sh starts it: PostgreSQL, Ceph, two nodes, haproxy.
it("starts two Hangar nodes behind haproxy on one PostgreSQL and one auth secret, and stops everything", async () => {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("This test runs the production build: run `npx next build` first.");
  const dir = engineDir("cluster");
  const cluster = await startCluster(dir, { port: await freePort() });
  const { HANGAR_URL: url, HANGAR_NODES, DATABASE_URL } = cluster.settings;
  const nodes = HANGAR_NODES.split(" ").map((address) => `http://${address}`);
  try {
    expect(DATABASE_URL).toMatch(/^postgresql:\/\//);
    expect(nodes).toHaveLength(2);
    // An API token written to the shared database works through the balancer, whichever node answers.
    const db = openDb(DATABASE_URL);
    const demo = await findActor(db, (await db.user.findUniqueOrThrow({ where: { email: "demo@hangar.local" } })).id);
    if (!demo) throw new Error("the seeded demo user is missing");
    const token = await createToken(db, demo, { name: "cluster test", expiresInDays: null });
    // No node was given a secret: the first one wrote it to the shared database, where the others read it.
    expect(cluster.settings.NEXTAUTH_SECRET).toBeUndefined();
    const secret = (await db.setting.findUniqueOrThrow({ where: { key: "auth-secret" } })).value;
    // A session (its row in the shared database) signed with the shared secret.
    const cookie = await sessionCookie(db, demo, secret);
    // The nodes keep image bytes in the bucket, no directory: the seed's images went there.
    const store = new S3ImageStore(s3Config(cluster.settings));
    const keys = (await db.image.findMany({ where: { storageKey: { not: null } }, select: { storageKey: true } })).map((image) => image.storageKey ?? "");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await store.size(key)).not.toBeNull();
    store.client.destroy();
    expect(fs.existsSync(path.join(cluster.settings.HANGAR_DATA_DIR, "images"))).toBe(false);
    await db.$disconnect();
    if (!token.ok) throw new Error("could not create a token");
    const servedBy = new Set<string | null>();
    for (let i = 0; i < 4; i++) {
      const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token.value.secret}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ email: "demo@hangar.local" });
      servedBy.add(me.headers.get("x-served-by"));
    }
    expect(servedBy).toEqual(new Set(["node1", "node2"]));
    // A session is good on either node: the nodes share the secret and the database.
    for (const node of nodes) expect((await fetch(`${node}/api/v1/me`, { headers: { cookie } })).status).toBe(200);
  } finally {
    await cluster.stop();
  }
  for (const address of [url, ...nodes]) await expect(fetch(address)).rejects.toThrow();
  fs.rmSync(dir, { recursive: true, force: true });
}, 600_000);
