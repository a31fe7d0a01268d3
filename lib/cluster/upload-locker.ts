import { type Lock, type Locker, MemoryLocker, type RequestRelease } from "@tus/server";
import pg from "pg";
import { databaseProvider } from "../db/url";

/** The channel on which a node asks the others to let go of an upload's lock; the payload is the upload's id. */
const RELEASE_CHANNEL = "hangar_upload_release";

export interface UploadLockerOptions {
  /** How long a request waits for an upload's lock before it is refused (tus: 30 s). */
  acquireTimeoutMs?: number;
  /** How often a waiting request tries again (and asks the holder again). */
  retryMs?: number;
}

/** A tus Locker that can be shut down (the PostgreSQL one holds a connection). */
export interface UploadLocker extends Locker {
  /**
   * Takes upload `id`'s lock only if nobody holds it, without asking a holder to let go (tus's `lock` would end
   * the PATCH that holds it): for the cleanup job, which leaves an upload a request is writing alone. Returns the
   * function that lets go, or null when the lock is held. A request that wants the lock meanwhile waits for it.
   */
  lockIfFree(id: string): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

/** tus's answer to a request that did not get its upload's lock in time (423 Locked, where tus's own lockers answer 500). */
export class UploadLockBusy extends Error {
  readonly status_code = 423;
  readonly body = "Another request is still writing this upload and did not let go in time. Try again in a moment: the upload resumes where it stopped.";
}

/** One node's claim on an upload: set before the lock is asked for, so that the node never asks twice (its session would get it twice). */
interface Claim {
  release: RequestRelease | null;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Upload locks shared by every node of a cluster, as PostgreSQL session-level advisory locks on one connection this
 * node keeps open (docs/decisions.md, "Upload locks across nodes"). A request that finds an upload locked by another
 * node sends a pg_notify on RELEASE_CHANNEL; every node LISTENs there and asks its own holder to let go (tus then
 * ends that PATCH after its lock drain), and the waiter tries again every `retryMs`. A node that crashes or loses the
 * database loses its locks with its connection; when that connection breaks, its holders are asked to stop too,
 * since another node may now take their uploads. Needs a direct connection or session pooling, as leadership does.
 */
export class PostgresUploadLocker implements UploadLocker {
  private session: Promise<pg.Client> | null = null;
  private readonly claims = new Map<string, Claim>();
  private readonly acquireTimeoutMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly url: string,
    options: UploadLockerOptions = {},
  ) {
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.retryMs = options.retryMs ?? 25;
  }

  newLock(id: string): Lock {
    return {
      lock: (signal, requestRelease) => this.acquire(id, signal, requestRelease),
      unlock: () => this.release(id),
    };
  }

  async lockIfFree(id: string): Promise<(() => Promise<void>) | null> {
    // Held (or being asked for) by a request on this node.
    if (this.claims.has(id)) return null;
    // Nothing to ask of a holder that only completes what is there: a request that wants the lock waits (retryMs).
    return (await this.tryLock(id, () => Promise.resolve(), { ask: false })) ? () => this.release(id) : null;
  }

  /** Ends the session, which releases every lock this node holds. */
  async close(): Promise<void> {
    const closing = this.session;
    this.session = null;
    await closing?.then((client) => client.end()).catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.session) return this.session;
    const client = new pg.Client({ connectionString: this.url, application_name: "hangar-upload-locks", keepAlive: true });
    const connecting = client.connect().then(async () => {
      client.on("notification", (message) => {
        if (message.channel === RELEASE_CHANNEL && message.payload) void this.claims.get(message.payload)?.release?.();
      });
      await client.query(`LISTEN ${RELEASE_CHANNEL}`);
      return client;
    });
    client.on("error", () => this.lose(connecting));
    connecting.catch(() => this.lose(connecting));
    this.session = connecting;
    return connecting;
  }

  /** The session broke: its locks are gone, so whoever held one here must stop writing. */
  private lose(lost: Promise<pg.Client>) {
    if (this.session !== lost) return;
    this.session = null;
    for (const [id, claim] of this.claims) {
      if (!claim.release) continue;
      this.claims.delete(id);
      void claim.release();
    }
    void lost.then((client) => client.end()).catch(() => undefined);
  }

  private async acquire(id: string, signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.acquireTimeoutMs;
    for (;;) {
      if (signal.aborted || Date.now() > deadline) throw new UploadLockBusy();
      const local = this.claims.get(id);
      if (local) {
        // Held (or being asked for) by a request on this node: ask it to let go, without the database.
        await local.release?.();
      } else if (await this.tryLock(id, requestRelease, { ask: true })) {
        return;
      }
      await sleep(this.retryMs, signal);
    }
  }

  /** One round trip: takes the lock if it is free, and otherwise (if `ask`) asks its holder, wherever it is, to let go. */
  private async tryLock(id: string, requestRelease: RequestRelease, { ask }: { ask: boolean }): Promise<boolean> {
    const claim: Claim = { release: null };
    this.claims.set(id, claim);
    let locked = false;
    try {
      const session = await this.connection();
      const { rows } = await session.query<{ locked: boolean }>({ ...TRY_LOCK, values: [lockKey(id), RELEASE_CHANNEL, id, ask] });
      locked = rows[0]?.locked ?? false;
    } finally {
      if (locked && this.claims.get(id) === claim) claim.release = requestRelease;
      else if (this.claims.get(id) === claim) this.claims.delete(id);
    }
    return locked;
  }

  /**
   * Lets go without waiting for the database's answer, which would add a round trip to every PATCH. The unlock is
   * queued on the session's one connection, which runs its statements in order, so this node's next attempt at the
   * upload reaches PostgreSQL after it; another node's attempt that comes first finds the lock still held, asks, and
   * tries again (`retryMs`). The lock is never let go early, only late. A failed unlock ends the session (lose): a
   * lock left held would refuse the upload to every node, and PostgreSQL drops a session's locks with it.
   */
  private release(id: string): Promise<void> {
    const claim = this.claims.get(id);
    // Lost with a broken session (already free), or never held.
    if (!claim?.release) return Promise.resolve();
    this.claims.delete(id);
    const session = this.session;
    void session?.then((client) => client.query({ ...UNLOCK, values: [lockKey(id)] })).catch(() => this.lose(session));
    return Promise.resolve();
  }
}

const lockKey = (id: string) => `hangar-upload:${id}`;

/**
 * The two statements every PATCH sends, prepared once on the lock session (named): PostgreSQL then parses and plans
 * each once per session rather than once per PATCH. The try takes the lock if it is free and otherwise, when asked to
 * ($4), asks its holder, wherever it is, to let go.
 */
const TRY_LOCK = {
  name: "hangar_upload_try_lock",
  text: `SELECT attempt.locked, CASE WHEN attempt.locked OR NOT $4::boolean THEN NULL ELSE pg_notify($2, $3) END
         FROM (SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked) AS attempt`,
};
const UNLOCK = { name: "hangar_upload_unlock", text: "SELECT pg_advisory_unlock(hashtextextended($1, 0))" };

/** A single process's locks (SQLite: one node), closable like the cluster's. */
class ProcessUploadLocker extends MemoryLocker implements UploadLocker {
  lockIfFree(id: string): Promise<(() => Promise<void>) | null> {
    if (this.locks.has(id)) return Promise.resolve(null);
    // MemoryLocker's own entry: a request that wants the lock calls this, then waits until it is let go.
    this.locks.set(id, { requestRelease: () => Promise.resolve() });
    return Promise.resolve(() => this.newLock(id).unlock());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The upload locks for the database at `url`: across the cluster on PostgreSQL, in this process on SQLite. */
export function uploadLockerFor(url: string, options: UploadLockerOptions = {}): UploadLocker {
  return databaseProvider(url) === "postgresql"
    ? new PostgresUploadLocker(url, options)
    : new ProcessUploadLocker({ acquireLockTimeout: options.acquireTimeoutMs ?? 30_000 });
}
