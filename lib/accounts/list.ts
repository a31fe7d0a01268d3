import { z } from "zod";
import type { Actor, Role } from "../auth/actor";
import type { Db } from "../db/client";
import { decimal, parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { isWellFormedText } from "../text/well-formed";
import { decideAccount } from "./policy";
import { accountIdSchema, type AuthSource, parseAuthSource } from "./schemas";

/** An account as administrators see it (/admin/users, GET /api/v1/users). */
export interface AccountSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** May create team projects: given at each sign-in by a single sign-on group (HANGAR_OIDC_PROJECT_CREATOR_GROUPS, HANGAR_LDAP_PROJECT_CREATOR_GROUPS); administrators always may. */
  projectCreator: boolean;
  /** invited: no way to sign in yet (the invitation not used, or a reset's link pending). */
  status: "active" | "invited" | "disabled";
  /** How the account signs in: a Hangar password, or the single sign-on that created or took it over (lib/sso). */
  source: AuthSource;
  /** Its own quota in bytes; null: the server's default. */
  quotaBytes: number | null;
  /** Bytes its private images take, uploads in progress at their declared length. */
  usedBytes: number;
  imageCount: number;
  /** When the unused password link (invitation or reset) stops working, if there is one. */
  passwordLinkExpiresAt: string | null;
  lastSignInAt: string | null;
  disabledAt: string | null;
  createdAt: string;
}

/** Summaries of the given accounts, in the order of `ids`. */
export async function accountSummaries(db: Db, ids: string[], now = new Date()): Promise<AccountSummary[]> {
  const [users, projects] = await Promise.all([
    db.user.findMany({
      where: { id: { in: ids } },
      include: { passwordLinks: { where: { usedAt: null, expiresAt: { gt: now } }, select: { expiresAt: true } } },
    }),
    db.project.findMany({ where: { personalUserId: { in: ids } }, select: { id: true, personalUserId: true, quotaBytes: true } }),
  ]);
  // A user's quota and usage are their personal project's.
  const usage = await db.image.groupBy({
    by: ["projectId"],
    where: { projectId: { in: projects.map((project) => project.id) }, status: { not: "deleted" } },
    _sum: { fileSize: true },
    _count: { _all: true },
  });
  const byId = new Map(users.map((user) => [user.id, user]));
  const projectOf = new Map(projects.map((project) => [project.personalUserId, project]));
  const usageOf = new Map(usage.map((row) => [row.projectId, row]));
  return ids.flatMap((id) => {
    const user = byId.get(id);
    if (!user) return [];
    const project = projectOf.get(id);
    const used = project ? usageOf.get(project.id) : undefined;
    return [
      {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role === "admin" ? "admin" : "user",
        projectCreator: user.projectCreator,
        // An account from a single sign-on has no Hangar password, and needs none.
        status: user.disabledAt ? "disabled" : user.passwordHash === null && user.authSource === "local" ? "invited" : "active",
        source: parseAuthSource(user.authSource),
        quotaBytes: project?.quotaBytes === null || project?.quotaBytes === undefined ? null : Number(project.quotaBytes),
        usedBytes: Number(used?._sum.fileSize ?? 0n),
        imageCount: used?._count._all ?? 0,
        passwordLinkExpiresAt: user.passwordLinks[0]?.expiresAt.toISOString() ?? null,
        lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
        disabledAt: user.disabledAt?.toISOString() ?? null,
        createdAt: user.createdAt.toISOString(),
      } satisfies AccountSummary,
    ];
  });
}

export const accountListQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(320)
    .refine(isWellFormedText, "The search is not text.")
    .optional()
    .meta({ description: "Accounts whose email or name contains this text (email without regard to case)." }),
  page: z.preprocess(decimal, z.number({ error: "page is a number from 1." }).int().min(1).max(1_000_000).default(1)),
  pageSize: z.preprocess(decimal, z.number({ error: "pageSize is a number from 1 to 200." }).int().min(1).max(200).default(50)),
});

export interface AccountPage {
  items: AccountSummary[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

/** One page of accounts, by email (administrators only). */
export async function listAccounts(db: Db, actor: Actor | null, rawQuery: unknown = {}): Promise<Result<AccountPage>> {
  const allowed = decideAccount(actor, "list", null);
  if (!allowed.ok) return allowed;
  const parsed = parseInput(accountListQuerySchema, rawQuery);
  if (!parsed.ok) return parsed;
  const { q, page, pageSize } = parsed.value;
  const where = q ? { OR: [{ email: { contains: q.toLowerCase() } }, { name: { contains: q } }] } : {};
  const [total, rows] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({ where, orderBy: { email: "asc" }, skip: (page - 1) * pageSize, take: pageSize, select: { id: true } }),
  ]);
  return ok({
    items: await accountSummaries(
      db,
      rows.map((row) => row.id),
    ),
    total,
    page,
    pageSize,
    pageCount: Math.max(1, Math.ceil(total / pageSize)),
  });
}

/** One account (administrators only); a user id or an email. */
export async function getAccount(db: Db, actor: Actor | null, ref: unknown): Promise<Result<AccountSummary>> {
  const allowed = decideAccount(actor, "view", null);
  if (!allowed.ok) return allowed;
  const row = await findAccountRow(db, ref);
  if (!row) return fail("not_found", "No such user.");
  return accountSummary(db, row.id);
}

/** One account's summary, or not_found when it went meanwhile. */
export async function accountSummary(db: Db, id: string, now = new Date()): Promise<Result<AccountSummary>> {
  const summary = (await accountSummaries(db, [id], now)).at(0);
  return summary ? ok(summary) : fail("not_found", "No such user.");
}

/** The account a client names by id or by email, or null. */
export async function findAccountRow(db: Db, ref: unknown) {
  if (typeof ref !== "string") return null;
  if (ref.includes("@")) return db.user.findUnique({ where: { email: ref.trim().toLowerCase() } });
  const id = accountIdSchema.safeParse(ref);
  return id.success ? db.user.findUnique({ where: { id: id.data } }) : null;
}

/** How many enabled administrators there are: the policy keeps at least one. */
export const activeAdminCount = (db: Pick<Db, "user">) => db.user.count({ where: { role: "admin", disabledAt: null } });

/** Active accounts a deleted user's images can go to, for the delete dialog's suggestions (administrators only). */
export async function transferCandidates(db: Db, actor: Actor | null): Promise<Result<{ email: string; name: string }[]>> {
  const allowed = decideAccount(actor, "list", null);
  if (!allowed.ok) return allowed;
  return ok(await db.user.findMany({ where: { disabledAt: null }, orderBy: { email: "asc" }, take: 1000, select: { email: true, name: true } }));
}
