import pg from "pg";
import { databaseProvider } from "../db/url";

/**
 * Which node runs a cluster-wide job (upload housekeeping, scheduled deprecations): one at a time among the nodes
 * that share a database (docs/decisions.md, "Leader-only jobs").
 */
export interface Leadership {
  /** Whether this node runs `job` now: it holds the job's lock, or takes it when it is free. */
  holds(job: string): Promise<boolean>;
  /** Gives up every lock, so that another node takes the jobs at its next round (a shutdown). */
  close(): Promise<void>;
}

/** A SQLite database is one node's: it runs every job. */
export const soleNode: Leadership = { holds: () => Promise.resolve(true), close: () => Promise.resolve() };

/**
 * Leadership by PostgreSQL session-level advisory locks, one per job, on a connection of its own that this node keeps
 * open: PostgreSQL holds a lock for as long as the session that took it lives, so a node that crashes or loses the
 * database loses its locks with its connection, and another node takes them at its next round. No clock, no lease
 * row, no schema. Needs a direct connection (or session pooling): under transaction pooling a lock outlives nothing.
 */
export function advisoryLeadership(url: string): Leadership {
  // A promise, set in one step, so that jobs asking at the same moment share one connection (and its locks).
  let client: Promise<pg.Client> | null = null;
  const held = new Set<string>();

  const lose = (lost: Promise<pg.Client>) => {
    if (client !== lost) return;
    client = null;
    if (held.size > 0) console.warn(`leader: the lock connection went; this node no longer runs ${[...held].join(", ")}`);
    held.clear();
    void lost.then((c) => c.end()).catch(() => undefined);
  };

  function connection(): Promise<pg.Client> {
    if (client) return client;
    const fresh = new pg.Client({ connectionString: url, application_name: "hangar-leader", keepAlive: true });
    const connecting = fresh.connect().then(() => fresh);
    // A connection that breaks between rounds: its locks are gone with it.
    fresh.on("error", () => lose(connecting));
    client = connecting;
    return connecting;
  }

  return {
    async holds(job) {
      const current = connection();
      try {
        const session = await current;
        // The session is alive, and a session-level lock lives as long as it does.
        if (held.has(job)) return (await session.query("SELECT 1")).rowCount === 1;
        const { rows } = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [`hangar:${job}`]);
        if (rows[0]?.locked) {
          held.add(job);
          console.log(`leader: this node runs ${job} now`);
        }
        return held.has(job);
      } catch (error) {
        console.error(`leader: cannot tell whether this node runs ${job}: ${error instanceof Error ? error.message : String(error)}`);
        lose(current);
        return false;
      }
    },
    async close() {
      const closing = client;
      client = null;
      held.clear();
      // Ending the session releases its advisory locks.
      await closing?.then((c) => c.end()).catch(() => undefined);
    },
  };
}

/** The leadership for the database at `url`: advisory locks on PostgreSQL, the sole node on SQLite. */
export function leadershipFor(url: string): Leadership {
  return databaseProvider(url) === "postgresql" ? advisoryLeadership(url) : soleNode;
}
