import { ConfigError } from "../config-error";
import { type Actor, actorOf } from "../auth/actor";
import { verifyPassword } from "../auth/password";
import { upsertUser } from "../auth/users";
import type { Db } from "../db/client";
import { MIN_PASSWORD_LENGTH } from "./schemas";

type Env = Record<string, string | undefined>;

/** The first administrator cannot be made safely from this environment: the server does not start. */
export class BootstrapRefused extends ConfigError {}

export const DEFAULT_ADMIN = { email: "admin@hangar.local", password: "hangar-admin" };
export const DEFAULT_DEMO = { email: "demo@hangar.local", password: "hangar-demo" };

const isOn = (value: string | undefined) => ["1", "true", "yes", "on"].includes((value ?? "").trim().toLowerCase());

/** The demo user's email when HANGAR_DEMO asks for one, else null. */
export const demoEmail = (env: Env): string | null => (isOn(env.HANGAR_DEMO) ? env.HANGAR_DEMO_EMAIL?.trim() || DEFAULT_DEMO.email : null);

export interface BootstrappedAccounts {
  /** The administrator HANGAR_ADMIN_EMAIL names, when it exists. */
  admin: Actor | null;
  /** The demo user, when HANGAR_DEMO asked for it. */
  demo: Actor | null;
  /** What was done, for the start-up log. */
  notes: string[];
}

/**
 * Makes sure the portal has an administrator, at every start (scripts/start.ts) and seed:
 * - HANGAR_ADMIN_PASSWORD set: the account HANGAR_ADMIN_EMAIL is created, or its password reset to it
 *   and the account enabled (the way back in for an operator who lost every administrator password);
 * - otherwise an enabled administrator must exist; on a first start outside production one is
 *   created with the well-known demo password, and in production (NODE_ENV=production) the start is
 *   refused: a default password on a reachable portal is how portals get taken over.
 * The demo user is created only when HANGAR_DEMO=1 (the end-to-end server and `npm run up` ask).
 */
export async function bootstrapAccounts(db: Db, env: Env = process.env): Promise<BootstrappedAccounts> {
  const notes: string[] = [];
  const email = (env.HANGAR_ADMIN_EMAIL?.trim() || DEFAULT_ADMIN.email).toLowerCase();
  const password = env.HANGAR_ADMIN_PASSWORD;
  let admin: Actor | null = null;
  if (password) {
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new BootstrapRefused(`HANGAR_ADMIN_PASSWORD is shorter than ${MIN_PASSWORD_LENGTH} characters: choose a longer one.`);
    const existed = await db.user.findUnique({ where: { email } });
    const current = existed?.role === "admin" && !existed.disabledAt && existed.passwordHash !== null && (await verifyPassword(existed.passwordHash, password));
    if (existed && current) {
      admin = actorOf(existed);
    } else {
      admin = await upsertUser(db, { email, name: existed?.name ?? "Administrator", password, role: "admin" });
      notes.push(`${email}: administrator, password from HANGAR_ADMIN_PASSWORD`);
    }
  } else if ((await db.user.count({ where: { role: "admin", disabledAt: null } })) === 0) {
    if (env.NODE_ENV === "production")
      throw new BootstrapRefused(
        "There is no administrator yet, and HANGAR_ADMIN_PASSWORD is not set: Hangar does not create one with a default password in production. " +
          `Start once with HANGAR_ADMIN_PASSWORD (at least ${MIN_PASSWORD_LENGTH} characters) and, if you like, HANGAR_ADMIN_EMAIL (default ${DEFAULT_ADMIN.email}).`,
      );
    admin = await upsertUser(db, { email, name: "Administrator", password: DEFAULT_ADMIN.password, role: "admin" });
    notes.push(`${email}: administrator created with the password ${DEFAULT_ADMIN.password} (NODE_ENV is not production); change it on Settings`);
  }
  let demo: Actor | null = null;
  const demoAccount = demoEmail(env);
  if (demoAccount) {
    demo = await upsertUser(db, {
      email: demoAccount,
      name: "Demo User",
      password: env.HANGAR_DEMO_PASSWORD || DEFAULT_DEMO.password,
      role: "user",
    });
    notes.push(`${demo.email}: demo user (HANGAR_DEMO)`);
  }
  if (!admin) {
    const row = await db.user.findUnique({ where: { email } });
    admin = row?.role === "admin" ? actorOf(row) : null;
  }
  return { admin, demo, notes };
}
