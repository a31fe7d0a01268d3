import { recordAudit } from "../audit/record";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { loadProjectFor } from "../catalog/project-access";
import { type Db, directReads } from "../db/client";
import { type DirectStatement, storedBoolean, storedNullableDate } from "../db/direct-reads";
import { fieldErrors } from "../field-errors";
import { fail, ok, type Result } from "../result";
import type { Prisma } from "../db/generated/client";
import { type Actor, actorOf, parseTokenScope, TOKEN_SCOPES, type TokenScope } from "./actor";

/** Every token starts with this, so people, logs and secret scanners can tell a Hangar token at a glance. */
export const TOKEN_PREFIX = "hgr_";
/**
 * The tokens the Glance listener's Identity v3 issues (lib/glance/identity.ts): short-lived, one per sign-in of
 * a command line, so they count toward no limit and the Settings page does not list them (docs/decisions.md, "Identity v3").
 */
export const IDENTITY_TOKEN_PREFIX = "hgk_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters: 256 bits of randomness. */
const SECRET_LENGTH = 43;
/** How much of the token the list shows: the prefix and 8 random characters, never enough to guess the rest. */
const SHOWN_LENGTH = TOKEN_PREFIX.length + 8;
const TOKEN_SHAPE = new RegExp(`^(?:${TOKEN_PREFIX}|${IDENTITY_TOKEN_PREFIX})[0-9A-Za-z]{${SECRET_LENGTH}}$`);
/** The part of a token the Settings page and the API show (and Identity v3 takes as an application credential's id). */
export const shownPrefix = (secret: string) => secret.slice(0, SHOWN_LENGTH);
/** lastUsedAt is written at most this often per token, so a busy script does not cost a write per request. */
export const LAST_USE_RESOLUTION_MS = 60_000;
export const MAX_ACTIVE_TOKENS = 50;
const MAX_EXPIRY_DAYS = 3650;

/** Base62 from the CSPRNG by rejection sampling, so every character is equally likely. */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/**
 * sha256 of the whole token. The token is 256 random bits, so a fast hash is
 * enough to make a leaked database useless (see docs/decisions.md) and lets
 * the lookup be one indexed equality.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export const tokenNameSchema = z
  .string({ error: "Give the token a name." })
  .trim()
  .min(1, "Give the token a name, such as the machine or pipeline that will use it.")
  .max(100, "Token names are at most 100 characters.")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "Token names cannot contain control characters.");

export const createTokenSchema = z
  .object({
    name: tokenNameSchema,
    // Forms send "" or "never" for no expiry.
    expiresInDays: z.preprocess(
      (value) => (value === "" || value === "never" || value === undefined || value === null ? null : typeof value === "string" ? Number(value) : value),
      z
        .number({ error: "Choose when the token expires." })
        .int("Choose when the token expires.")
        .min(1, "A token lasts at least one day.")
        .max(MAX_EXPIRY_DAYS, `A token lasts at most ${MAX_EXPIRY_DAYS} days; choose "never" for no expiry.`)
        .nullable(),
    ),
    // Forms send "" for every project.
    projectId: z.preprocess(
      (value) => (value === "" || value === undefined ? null : value),
      z.string({ error: "Choose a project, or all your projects." }).max(64, "Choose a project, or all your projects.").nullable(),
    ),
    scope: z.enum(TOKEN_SCOPES, { error: `Choose what the token may do: ${TOKEN_SCOPES.join(", ")}.` }).default("full"),
  })
  .strict();

export interface TokenSummary {
  id: string;
  name: string;
  /** The first characters of the token, to recognise it. */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: "active" | "expired" | "revoked";
  /** What the token may do: read, upload (and read) or full. */
  scope: TokenScope;
  /** The one project it acts in; null for all its user's projects. */
  project: { id: string; name: string } | null;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  scope: string;
  project: { id: string; name: string } | null;
}

const projectSelect = { select: { id: true, name: true } } as const;

function stateOf(row: Pick<TokenRow, "expiresAt" | "revokedAt">, now: Date): TokenSummary["state"] {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt <= now) return "expired";
  return "active";
}

function toSummary(row: TokenRow, now: Date): TokenSummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: stateOf(row, now),
    scope: parseTokenScope(row.scope),
    project: row.project,
  };
}

/** The API tokens a user made (not those Identity v3 issued). */
const madeWhere = (userId: string) => ({ userId, NOT: { prefix: { startsWith: IDENTITY_TOKEN_PREFIX } } });
const activeWhere = (userId: string, now: Date) => ({ ...madeWhere(userId), revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

export interface NewToken {
  name: string;
  expiresAt: Date | null;
  projectId: string | null;
  scope: TokenScope;
}

/**
 * Stores a new token of the actor's with its audit event, and hands back its secret (only the hash is kept).
 * An actor without an origin (an Identity v3 sign-in) is recorded as acting through the token it gets, from `clientAddress`.
 */
export async function insertToken(
  db: Db,
  actor: Actor,
  fields: NewToken,
  { prefix = TOKEN_PREFIX, clientAddress = null }: { prefix?: string; clientAddress?: string | null } = {},
): Promise<{ row: TokenRow; secret: string }> {
  const secret = prefix + randomBase62(SECRET_LENGTH);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId: actor.id, prefix: shownPrefix(secret), hash: hashToken(secret), ...fields },
      include: { project: projectSelect },
    });
    // Its shown prefix, never the secret or its hash.
    const after = {
      name: fields.name,
      prefix: created.prefix,
      scope: fields.scope,
      projectId: fields.projectId,
      expiresAt: created.expiresAt?.toISOString() ?? null,
    };
    const by = actor.origin ? actor : { ...actor, origin: { via: "token" as const, id: created.id, clientAddress } };
    await recordAudit(tx, by, { action: "token.create", objectId: created.id, projectId: fields.projectId, after });
    return created;
  });
  return { row, secret };
}

/** Creates a token for the actor. The secret is in the result and nowhere else: only its hash is stored. */
export async function createToken(db: Db, actor: Actor | null, input: unknown, now = new Date()): Promise<Result<{ token: TokenSummary; secret: string }>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const parsed = createTokenSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    return fail("invalid", Object.values(fields)[0] ?? "Invalid token.", fields);
  }
  if ((await db.apiToken.count({ where: activeWhere(actor.id, now) })) >= MAX_ACTIVE_TOKENS) {
    return fail("conflict", `You have ${MAX_ACTIVE_TOKENS} active tokens, the most allowed. Revoke one you no longer use first.`);
  }
  const { name, expiresInDays, projectId, scope } = parsed.data;
  if (projectId !== null) {
    // A token is limited to a project its user can see: a member's, or any for an administrator.
    const project = await loadProjectFor({ db }, actor, "view", projectId);
    if (!project.ok) return fail(project.error.code, project.error.message, { projectId: project.error.message });
  }
  const expiresAt = expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * 86_400_000);
  const { row, secret } = await insertToken(db, actor, { name, expiresAt, projectId, scope });
  return ok({ token: toSummary(row, now), secret });
}

/** The actor's own tokens, active ones first, newest first. */
export async function listTokens(db: Db, actor: Actor | null, now = new Date()): Promise<Result<TokenSummary[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const rows = await db.apiToken.findMany({
    where: madeWhere(actor.id),
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    include: { project: projectSelect },
  });
  const order = { active: 0, expired: 1, revoked: 2 };
  return ok(rows.map((row) => toSummary(row, now)).sort((a, b) => order[a.state] - order[b.state]));
}

/** Revokes one of the actor's tokens; another user's token answers "not found", like a missing one. */
export async function revokeToken(db: Db, actor: Actor | null, id: unknown, now = new Date()): Promise<Result<TokenSummary>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const row = typeof id === "string" ? await db.apiToken.findUnique({ where: { id }, include: { project: projectSelect } }) : null;
  if (!row || row.userId !== actor.id) return fail("not_found", "No such token.");
  if (row.revokedAt) return ok(toSummary(row, now));
  const revoked = await db.$transaction(async (tx) => {
    const updated = await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: now }, include: { project: projectSelect } });
    await recordAudit(tx, actor, {
      action: "token.revoke",
      objectId: row.id,
      projectId: row.projectId,
      before: { name: row.name, prefix: row.prefix, revokedAt: null },
      after: { revokedAt: now.toISOString() },
    });
    return updated;
  });
  return ok(toSummary(revoked, now));
}

/** What a token that matches no row (or no token's shape) is told: nothing of why. */
export const INVALID_TOKEN = "This API token is not valid. Create a new one on the Settings page.";

export interface TokenAuthentication {
  actor: Actor;
  token: { id: string; name: string; expiresAt: string | null; scope: TokenScope; project: { id: string; name: string } | null };
}

/**
 * The user behind a bearer token, with that user's current role and the token's limits (its project
 * and scope, which the policy applies): a token carries no rights of its own, only fewer. A
 * malformed, unknown, revoked or expired token fails.
 */
/**
 * A token with its user and its project, as one direct read (lib/db/direct-reads.ts): every API request with a token
 * takes it, so it goes past Prisma's query compiler, as the session's does (lib/auth/sessions.ts); through Prisma it
 * was three statements (the token, its user, its project).
 */
const TOKEN_WITH_USER: DirectStatement = {
  name: "hangar_token_with_user",
  sql: `SELECT t."id", t."name", t."scope", t."projectId", t."expiresAt", t."revokedAt", t."lastUsedAt", p."name" AS "projectName",
               u."id" AS "userId", u."email", u."name" AS "userName", u."role", u."projectCreator", u."disabledAt"
        FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId" LEFT JOIN "Project" p ON p."id" = t."projectId" WHERE t."hash" = $1`,
};

async function tokenWithUser(db: Db, hash: string) {
  const row = (await directReads(db).rows(TOKEN_WITH_USER, [hash])).at(0);
  if (!row) return null;
  const projectId = typeof row.projectId === "string" ? row.projectId : null;
  return {
    id: String(row.id),
    name: String(row.name),
    scope: String(row.scope),
    projectId,
    expiresAt: storedNullableDate(row.expiresAt),
    revokedAt: storedNullableDate(row.revokedAt),
    lastUsedAt: storedNullableDate(row.lastUsedAt),
    project: projectId === null ? null : { id: projectId, name: String(row.projectName) },
    user: {
      id: String(row.userId),
      email: String(row.email),
      name: String(row.userName),
      role: String(row.role),
      projectCreator: storedBoolean(row.projectCreator),
      disabledAt: storedNullableDate(row.disabledAt),
    },
  };
}

export async function authenticateToken(db: Db, secret: string, now = new Date()): Promise<Result<TokenAuthentication>> {
  const invalid = fail("unauthenticated", INVALID_TOKEN);
  if (!TOKEN_SHAPE.test(secret)) return invalid;
  const row = await tokenWithUser(db, hashToken(secret));
  if (!row) return invalid;
  const state = stateOf(row, now);
  if (state === "revoked") return fail("unauthenticated", `The API token "${row.name}" was revoked. Create a new one on the Settings page.`);
  if (state === "expired")
    return fail(
      "unauthenticated",
      `The API token "${row.name}" expired on ${row.expiresAt?.toISOString().slice(0, 10)}. Create a new one on the Settings page.`,
    );
  if (row.user.disabledAt) return fail("unauthenticated", `The account of the API token "${row.name}" is disabled. Ask an administrator.`);
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
    // Conditional, so concurrent requests write at most once per interval.
    await db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USE_RESOLUTION_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  const scope = parseTokenScope(row.scope);
  return ok({
    actor: { ...actorOf(row.user), limits: { projectId: row.projectId, scope } },
    token: { id: row.id, name: row.name, expiresAt: row.expiresAt?.toISOString() ?? null, scope, project: row.project },
  });
}

/** Revokes every active token of a user at once (a password reset, a deleted account); returns how many. */
export async function revokeUserTokens(db: Db | Prisma.TransactionClient, userId: string, now = new Date()): Promise<number> {
  return (await db.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } })).count;
}
