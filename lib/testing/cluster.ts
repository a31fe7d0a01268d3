import type { Actor } from "../auth/actor";
import { createToken } from "../auth/tokens";
import { findActor } from "../auth/users";
import { type Db, openDb } from "../db/client";
import { s3Config } from "../storage/s3-config";
import { S3ImageStore } from "../storage/s3-store";
import { type EngineProcess, startEngine } from "./engine-process";

/**
 * Hangar in its production shape (scripts/cluster/up.sh in `dir`): PostgreSQL, Ceph with its RGW,
 * `nodes` Hangar nodes (the `next build` output) and haproxy on `port`. Its settings: HANGAR_URL
 * (the balancer), HANGAR_NODES (the nodes' addresses), DATABASE_URL (which holds the shared auth secret), HANGAR_S3_*.
 */
export function startCluster(dir: string, options: { port: number; nodes?: number }): Promise<EngineProcess> {
  return startEngine("up.sh", ["--dir", dir, "--port", String(options.port), "--nodes", String(options.nodes ?? 2)], 300_000);
}

/** A test's view of a started cluster: its database and bucket, to check them, and the seeded demo user with an API token of theirs. */
export interface ClusterClient {
  db: Db;
  store: S3ImageStore;
  demo: Actor;
  token: string;
  /** Closes the database client and the bucket's. */
  close(): Promise<void>;
}

export async function clusterClient(cluster: EngineProcess, tokenName: string): Promise<ClusterClient> {
  const db = openDb(cluster.settings.DATABASE_URL);
  const store = new S3ImageStore(s3Config(cluster.settings));
  const demo = await findActor(db, (await db.user.findUniqueOrThrow({ where: { email: "demo@hangar.local" } })).id);
  if (!demo) throw new Error("the seeded demo user is missing");
  const created = await createToken(db, demo, { name: tokenName, expiresInDays: null });
  if (!created.ok) throw new Error(created.error.message);
  return {
    db,
    store,
    demo,
    token: created.value.secret,
    async close() {
      store.client.destroy();
      await db.$disconnect();
    },
  };
}
