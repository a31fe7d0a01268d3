import type { Db } from "../db/client";
import type { ImageStore } from "../storage/store";

/** What readiness asks: the database and the image store of this node. */
export interface ReadinessDeps {
  db: Db;
  store: ImageStore;
}

/** A check that answers within this long or counts as failed: a balancer asks every few seconds and must not queue up. */
export const READINESS_TIMEOUT_MS = 2000;

/** Each dependency a node needs to serve requests, and what a failure says to the operator (the cause goes to the log). */
const READINESS_CHECKS = [
  {
    id: "database",
    failure: "The database does not answer.",
    run: async ({ db }: ReadinessDeps): Promise<void> => {
      await db.$queryRaw`SELECT 1`;
    },
  },
  { id: "store", failure: "The image store does not answer.", run: ({ store }: ReadinessDeps) => store.check() },
] as const;

export type ReadinessCheckId = (typeof READINESS_CHECKS)[number]["id"];

export interface Readiness {
  ready: boolean;
  /** "ok", or the failure's message, per dependency. */
  checks: Record<ReadinessCheckId, string>;
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once, each bounded by `timeoutMs`; a failure's cause is logged, never answered (it may name hosts). */
export async function readiness(deps: ReadinessDeps, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(
    READINESS_CHECKS.map(async (check) => {
      try {
        await within(check.run(deps), timeoutMs);
        return [check.id, "ok"] as const;
      } catch (error) {
        // One line: Prisma's messages span several.
        console.error(`readiness: ${check.id}: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim()}`);
        return [check.id, check.failure] as const;
      }
    }),
  );
  return { ready: results.every(([, result]) => result === "ok"), checks: Object.fromEntries(results) as Record<ReadinessCheckId, string> };
}
