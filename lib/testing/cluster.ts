import { type EngineProcess, startEngine } from "./engine-process";

/**
 * Hangar in its production shape (scripts/cluster/up.sh in `dir`): PostgreSQL, Ceph with its RGW,
 * `nodes` Hangar nodes (the `next build` output) and haproxy on `port`. Its settings: HANGAR_URL
 * (the balancer), HANGAR_NODES (the nodes' addresses), DATABASE_URL (which holds the shared auth secret), HANGAR_S3_*.
 */
export function startCluster(dir: string, options: { port: number; nodes?: number }): Promise<EngineProcess> {
  return startEngine("up.sh", ["--dir", dir, "--port", String(options.port), "--nodes", String(options.nodes ?? 2)], 300_000);
}
