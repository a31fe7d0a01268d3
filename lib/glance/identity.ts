import { z } from "zod";
import { recordFailedSignIn } from "../audit/record";
import { type Actor, isAdmin, type TokenLimits } from "../auth/actor";
import { DISABLED_ACCOUNT, checkPassword } from "../auth/sign-in";
import {
  authenticateToken,
  IDENTITY_TOKEN_PREFIX,
  INVALID_TOKEN,
  insertToken,
  revokeToken,
  shownPrefix,
  TOKEN_PREFIX,
  type TokenAuthentication,
} from "../auth/tokens";
import { nameKey } from "../catalog/image-name";
import { type LoadedProject, loadProjectFor } from "../catalog/project-access";
import { membershipsOf } from "../catalog/standing";
import type { Db } from "../db/client";
import { ensurePersonalProject } from "../projects/personal";
import { fail, ok, type Result } from "../result";
import { DEFAULT_DOMAIN, IDENTITY_METHODS, type IdentityMethod, keystoneRoles, tokenDocument } from "./identity-document";

/**
 * Hangar's minimal Identity v3 (docs/decisions.md, "Identity v3"): `POST /v3/auth/tokens` signs in with a Hangar
 * password, an API token (an application credential) or a token, and issues a short-lived Hangar token scoped to one
 * of the user's projects, which X-Auth-Token then carries to the image routes like any API token.
 */

/** Keystone's default token lifetime; a token got from another never outlives it. */
export const IDENTITY_TOKEN_TTL_MS = 60 * 60_000;
/** Issued tokens expired this long ago are deleted when their user signs in again, so that the table does not grow with every command run. */
const KEEP_EXPIRED_MS = 24 * 60 * 60_000;

export const WRONG_CREDENTIALS = "The user name or password is wrong, or the account is disabled.";
const WRONG_APPLICATION_CREDENTIAL = "The application credential is not valid: its id (or name and user) and secret must be one of your Hangar API tokens.";
const ONE_DOMAIN = `Hangar has one domain, "${DEFAULT_DOMAIN.name}" (id "${DEFAULT_DOMAIN.id}").`;
const NO_PROJECT = "No such project, or you are not one of its members.";

const text = (max: number) => z.string().min(1).max(max);
const domainRef = z.object({ id: text(64).optional(), name: text(255).optional() }).optional();
const userRef = z.object({ id: text(64).optional(), name: text(320).optional(), domain: domainRef });

/** The body of `POST /v3/auth/tokens`, as keystoneauth and gophercloud send it (fields Hangar does not use are let through). */
export const authRequestSchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string().max(64)).min(1, "Name an authentication method.").max(8),
      password: z.object({ user: userRef.extend({ password: z.string().max(4096) }) }).optional(),
      token: z.object({ id: text(200) }).optional(),
      application_credential: z.object({ id: text(64).optional(), name: text(100).optional(), secret: text(200), user: userRef.optional() }).optional(),
    }),
    scope: z
      .union([
        z.literal("unscoped"),
        z.object({
          project: z.object({ id: text(64).optional(), name: text(320).optional(), domain: domainRef }).optional(),
          domain: z.unknown().optional(),
          system: z.unknown().optional(),
          "OS-TRUST:trust": z.unknown().optional(),
        }),
      ])
      .optional(),
  }),
});

export type AuthRequest = z.infer<typeof authRequestSchema>;
type DomainRef = z.infer<typeof domainRef>;

function inDefaultDomain(domain: DomainRef): boolean {
  if (!domain) return true;
  return (domain.id === undefined || domain.id.toLowerCase() === DEFAULT_DOMAIN.id) && (domain.name === undefined || domain.name.toLowerCase() === "default");
}

/** The project a token is asked for: by id, by name, or the default (the credential's project, else the user's personal project). */
export type ScopeTarget = { id: string } | { name: string } | { personal: true };

/** Which project a request's scope names, given the project the credential is limited to (null: all the user's). */
export function scopeTarget(scope: AuthRequest["auth"]["scope"], limitedTo: string | null): Result<ScopeTarget> {
  const fallback = ok<ScopeTarget>(limitedTo ? { id: limitedTo } : { personal: true });
  if (scope === undefined || scope === "unscoped") return fallback;
  if (scope.domain !== undefined || scope.system !== undefined || scope["OS-TRUST:trust"] !== undefined)
    return fail("unauthenticated", "Hangar scopes tokens to projects only: name a project, or none for your personal project.");
  if (!scope.project) return fallback;
  if (!inDefaultDomain(scope.project.domain)) return fail("unauthenticated", `${NO_PROJECT} ${ONE_DOMAIN}`);
  if (scope.project.id) return ok({ id: scope.project.id });
  if (scope.project.name) return ok({ name: scope.project.name });
  return fail("invalid", "Name the project by id or by name.");
}

/** Who signed in, with what the credential carries: its limits and expiry (none for a password), and the token it was. */
interface SignedIn {
  actor: Actor;
  method: IdentityMethod;
  limits: TokenLimits;
  expiresAt: Date | null;
  source: TokenAuthentication["token"] | null;
}

const sourceOf = (method: IdentityMethod, { actor, token }: TokenAuthentication): SignedIn => ({
  actor,
  method,
  limits: { projectId: token.project?.id ?? null, scope: token.scope },
  expiresAt: token.expiresAt ? new Date(token.expiresAt) : null,
  source: token,
});

async function byPassword(
  db: Db,
  user: NonNullable<AuthRequest["auth"]["identity"]["password"]>["user"],
  clientAddress: string,
  now: Date,
): Promise<Result<SignedIn>> {
  if (!inDefaultDomain(user.domain)) return fail("unauthenticated", `${WRONG_CREDENTIALS} ${ONE_DOMAIN}`);
  // A user id is looked up for its email; an unknown one goes through the same check (and time) as an unknown email.
  const email = user.id ? ((await db.user.findUnique({ where: { id: user.id }, select: { email: true } }))?.email ?? `id:${user.id}`) : user.name;
  if (!email) return fail("invalid", "Name the user by name (their email) or id.");
  const checked = await checkPassword(db, { email, password: user.password, clientAddress }, now, WRONG_CREDENTIALS);
  // Whether the account is disabled is not said here either: a script's log is no place for it.
  if (!checked.ok) return fail("unauthenticated", checked.error.message === DISABLED_ACCOUNT ? WRONG_CREDENTIALS : checked.error.message);
  return ok({ actor: checked.value, method: "password", limits: { projectId: null, scope: "full" }, expiresAt: null, source: null });
}

/** Application credentials are API tokens: the secret is the token, the id its shown prefix (or its id), the name its name. */
async function byApplicationCredential(
  db: Db,
  credential: NonNullable<AuthRequest["auth"]["identity"]["application_credential"]>,
  clientAddress: string,
  now: Date,
): Promise<Result<SignedIn>> {
  const refused = async () => {
    const who = credential.id ?? credential.user?.name ?? credential.user?.id ?? "";
    await recordFailedSignIn(db, { email: who, clientAddress, method: "application_credential", reason: "wrong_secret" });
    return fail("unauthenticated", WRONG_APPLICATION_CREDENTIAL);
  };
  if (!credential.secret.startsWith(TOKEN_PREFIX)) return refused();
  const found = await authenticateToken(db, credential.secret, now);
  // A token that exists but was revoked or expired is said so: its secret was right.
  if (!found.ok) return found.error.message === INVALID_TOKEN ? refused() : found;
  const { actor, token } = found.value;
  const named = credential.id
    ? credential.id === token.id || credential.id === shownPrefix(credential.secret)
    : credential.name === token.name &&
      credential.user !== undefined &&
      inDefaultDomain(credential.user.domain) &&
      (credential.user.id === actor.id || credential.user.name?.trim().toLowerCase() === actor.email);
  return named ? ok(sourceOf("application_credential", found.value)) : refused();
}

async function signIn(db: Db, identity: AuthRequest["auth"]["identity"], clientAddress: string, now: Date): Promise<Result<SignedIn>> {
  const [method, ...more] = identity.methods;
  if (more.length > 0 || !(IDENTITY_METHODS as readonly string[]).includes(method))
    return fail("unauthenticated", `Use one of the methods ${IDENTITY_METHODS.join(", ")}, alone.`);
  if (method === "password")
    return identity.password ? byPassword(db, identity.password.user, clientAddress, now) : fail("invalid", "Send the password method's user.");
  if (method === "application_credential")
    return identity.application_credential
      ? byApplicationCredential(db, identity.application_credential, clientAddress, now)
      : fail("invalid", "Send the application credential.");
  if (!identity.token) return fail("invalid", "Send the token to sign in with.");
  const found = await authenticateToken(db, identity.token.id, now);
  return found.ok ? ok(sourceOf("token", found.value)) : found;
}

/** The project a sign-in is scoped to, which its user must be able to see (a member's, any for an administrator) and its credential reach. */
async function scopedProject(db: Db, signedIn: SignedIn, scope: AuthRequest["auth"]["scope"]): Promise<Result<LoadedProject>> {
  const target = scopeTarget(scope, signedIn.limits.projectId);
  if (!target.ok) return target;
  const id =
    "id" in target.value
      ? target.value.id
      : "name" in target.value
        ? (await db.project.findUnique({ where: { nameKey: nameKey(target.value.name) }, select: { id: true } }))?.id
        : (await ensurePersonalProject(db, signedIn.actor)).id;
  const project = await loadProjectFor({ db }, signedIn.actor, "view", id ?? "");
  if (!project.ok) return fail("unauthenticated", NO_PROJECT);
  if (signedIn.limits.projectId !== null && project.value.id !== signedIn.limits.projectId)
    return fail("unauthenticated", "This credential is limited to another project: ask for that one, or for none.");
  return project;
}

const tokenName = (method: IdentityMethod) => `Identity v3 (${method})`;
const methodOf = (name: string): IdentityMethod => IDENTITY_METHODS.find((method) => name === tokenName(method)) ?? "token";

export interface IssuedToken {
  secret: string;
  document: ReturnType<typeof tokenDocument>;
}

/**
 * `POST /v3/auth/tokens`: checks the credential, scopes the token and issues it. The token is a Hangar token (lib/auth/tokens.ts)
 * limited to the project, with the credential's scope, for an hour at most, audited as created.
 */
export async function issueIdentityToken(
  db: Db,
  body: unknown,
  { clientAddress, root, catalog }: { clientAddress: string; root: string; catalog: boolean },
  now = new Date(),
): Promise<Result<IssuedToken>> {
  const parsed = authRequestSchema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    return fail("invalid", `The authentication request is not valid (Keystone's v3 shape): ${where.slice(0, 3).join("; ")}.`);
  }
  const signedIn = await signIn(db, parsed.data.auth.identity, clientAddress, now);
  if (!signedIn.ok) return signedIn;
  const project = await scopedProject(db, signedIn.value, parsed.data.auth.scope);
  if (!project.ok) return project;
  const { actor, method, limits, source } = signedIn.value;
  const expiresAt = new Date(Math.min(now.getTime() + IDENTITY_TOKEN_TTL_MS, signedIn.value.expiresAt?.getTime() ?? Infinity));
  await db.apiToken.deleteMany({
    where: { userId: actor.id, prefix: { startsWith: IDENTITY_TOKEN_PREFIX }, expiresAt: { lt: new Date(now.getTime() - KEEP_EXPIRED_MS) } },
  });
  const by = source ? { ...actor, origin: { via: "token" as const, id: source.id, clientAddress } } : actor;
  const { row, secret } = await insertToken(
    db,
    by,
    { name: tokenName(method), expiresAt, projectId: project.value.id, scope: limits.scope },
    { prefix: IDENTITY_TOKEN_PREFIX, clientAddress },
  );
  const facts = {
    id: row.id,
    methods: [method],
    user: actor,
    project: { id: project.value.id, name: project.value.name },
    roles: keystoneRoles(project.value.memberships.get(project.value.id) ?? null, isAdmin(actor)),
    issuedAt: row.createdAt,
    expiresAt,
    ...(method === "application_credential" && source ? { applicationCredential: { id: source.id, name: source.name } } : {}),
  };
  return ok({ secret, document: tokenDocument(facts, root, { catalog }) });
}

/** A token Identity v3 issued, as X-Subject-Token names it: the caller's own (any, for an administrator); else not found, as Keystone says. */
async function subjectToken(db: Db, caller: Actor | null, subject: string | undefined, now: Date): Promise<Result<TokenAuthentication & { createdAt: Date }>> {
  if (!caller) return fail("unauthenticated", "Send your token as X-Auth-Token.");
  const notFound = fail("not_found", "Could not find token: X-Subject-Token names no valid token that this Identity issued to you.");
  if (!subject?.startsWith(IDENTITY_TOKEN_PREFIX)) return notFound;
  const found = await authenticateToken(db, subject, now);
  if (!found.ok || (found.value.actor.id !== caller.id && !isAdmin(caller))) return notFound;
  const row = await db.apiToken.findUnique({ where: { id: found.value.token.id }, select: { createdAt: true } });
  return row ? ok({ ...found.value, createdAt: row.createdAt }) : notFound;
}

/** `GET /v3/auth/tokens`: the document of the token X-Subject-Token carries. */
export async function validateIdentityToken(
  db: Db,
  caller: Actor | null,
  subject: string | undefined,
  { root, catalog }: { root: string; catalog: boolean },
  now = new Date(),
): Promise<Result<IssuedToken["document"]>> {
  const found = await subjectToken(db, caller, subject, now);
  if (!found.ok) return found;
  const { actor, token, createdAt } = found.value;
  const project = token.project ?? { id: "", name: "" };
  const memberships = await membershipsOf(db, actor);
  const facts = {
    id: token.id,
    methods: [methodOf(token.name)],
    user: actor,
    project,
    roles: keystoneRoles(memberships.get(project.id) ?? null, isAdmin(actor)),
    issuedAt: createdAt,
    expiresAt: new Date(token.expiresAt ?? now),
  };
  return ok(tokenDocument(facts, root, { catalog }));
}

/** `DELETE /v3/auth/tokens`: revokes the token X-Subject-Token carries (`openstack token revoke`). Only issued tokens: API tokens are revoked on Settings. */
export async function revokeIdentityToken(db: Db, caller: Actor | null, subject: string | undefined, now = new Date()): Promise<Result<null>> {
  const found = await subjectToken(db, caller, subject, now);
  if (!found.ok) return found;
  // An administrator's validation reaches any token, a revocation only the caller's own (revokeToken's rule).
  const revoked = await revokeToken(db, caller, found.value.token.id, now);
  return revoked.ok ? ok(null) : revoked;
}
