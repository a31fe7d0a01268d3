import type { z } from "zod";
import { accountPageSchema, accountSchema, createdAccountSchema, deletedAccountSchema, passwordResetSchema } from "../api/account-schemas";
import { memberListSchema, memberSchema, projectListSchema, projectSchema, shareListSchema, shareSchema } from "../api/project-schemas";
import { errorSchema, familyHistorySchema, imagePageSchema, imageSchema, meSchema } from "../api/schemas";
import { API_VERSION_HEADER } from "../api/version";
import { importViewSchema } from "../imports/view";
import { HANGAR_VERSION } from "../version";
import type { CliConfig } from "./config";
import { deprecationNotice } from "./deprecation-notice";
import { CliError } from "./errors";
import { EXIT, type ExitCode } from "./exit-codes";
import { type HttpAnswer, httpRequest } from "./http";
import { checkServerApiVersion } from "./version-notice";

export type Image = z.output<typeof imageSchema>;
export type Me = z.output<typeof meSchema>;
export type ImageImport = z.output<typeof importViewSchema>;
export type User = z.output<typeof accountSchema>;
export type Project = z.output<typeof projectSchema>;
export type Share = z.output<typeof shareSchema>;
export type FamilyHistory = z.output<typeof familyHistorySchema>;

const USER_AGENT = `hangar-cli/${HANGAR_VERSION}`;

function exitCodeFor(status: number): ExitCode {
  if (status === 401) return EXIT.auth;
  if (status === 403) return EXIT.forbidden;
  if (status === 404) return EXIT.notFound;
  // 410: an obsolete or deleted image, refused for new use; the message names the replacement.
  if (status === 400 || status === 409 || status === 410 || status === 413 || status === 422) return EXIT.rejected;
  return EXIT.unavailable;
}

/** The server's error, in its own words when it sent the API's error shape. */
export async function errorFrom(response: HttpAnswer): Promise<CliError> {
  const text = await response.text().catch(() => "");
  let parsed: z.output<typeof errorSchema> | null = null;
  try {
    const result = errorSchema.safeParse(JSON.parse(text));
    parsed = result.success ? result.data : null;
  } catch {
    parsed = null;
  }
  const message = parsed?.error.message ?? `The server answered ${response.status} ${response.statusText}${text && text.length < 200 ? `: ${text}` : ""}.`;
  return new CliError(exitCodeFor(response.status), message, parsed?.error.fields ?? {});
}

/** The REST API as the CLI uses it; every answer is parsed with the schema the server documents. */
export class HangarClient {
  constructor(private readonly config: CliConfig) {}

  get url(): string {
    return this.config.url;
  }

  get token(): string {
    return this.config.token;
  }

  private get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.config.token}`, "user-agent": USER_AGENT };
  }

  /** Network failures become "unavailable" (exit 7); an interruption stays one. */
  private unreachable(error: unknown): unknown {
    if ((error as Error).name === "AbortError") return error;
    const { cause, code } = error as { cause?: { code?: string; message?: string }; code?: string };
    return new CliError(EXIT.unavailable, `Cannot reach Hangar at ${this.config.url}: ${cause?.code ?? code ?? cause?.message ?? (error as Error).message}.`);
  }

  private answered<A extends HttpAnswer>(answer: A): A {
    checkServerApiVersion(answer.headers.get(API_VERSION_HEADER), this.config.url);
    return answer;
  }

  /** A request below /api/v1 with the token, its body streamed (downloads). */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(this.headers)) headers.set(name, value);
    try {
      return this.answered(await fetch(`${this.config.url}/api/v1${path}`, { ...init, headers }));
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  /** A request below /api/v1 with the token, its answer read whole (JSON). */
  private async send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
    try {
      return this.answered(await httpRequest(`${this.config.url}/api/v1${path}`, { ...init, headers: { ...init.headers, ...this.headers } }));
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private async json<S extends z.ZodType>(
    schema: S,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<z.output<S>> {
    const response = await this.send(path, init);
    if (!response.ok) throw await errorFrom(response);
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch {
      body = undefined;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new CliError(EXIT.unavailable, `Unexpected answer from ${this.config.url}${path}; is this a Hangar server of the same version?`);
    return parsed.data;
  }

  me(): Promise<Me> {
    return this.json(meSchema, "/me");
  }

  listImages(query: Record<string, string>): Promise<z.output<typeof imagePageSchema>> {
    return this.json(imagePageSchema, `/images?${new URLSearchParams(query)}`);
  }

  /** Every page of a list, for `ls`. */
  async allImages(query: Record<string, string>): Promise<Image[]> {
    const items: Image[] = [];
    for (let page = 1; ; page++) {
      const result = await this.listImages({ ...query, page: String(page), pageSize: "100" });
      items.push(...result.items);
      if (page >= result.pageCount) return items;
    }
  }

  getImage(id: string): Promise<Image> {
    return this.json(imageSchema, `/images/${encodeURIComponent(id)}`);
  }

  updateImage(id: string, patch: Record<string, unknown>): Promise<Image> {
    return this.json(imageSchema, `/images/${encodeURIComponent(id)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
  }

  setDeprecation(id: string, change: Record<string, unknown>): Promise<Image> {
    return this.json(imageSchema, `/images/${encodeURIComponent(id)}/deprecation`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(change),
    });
  }

  familyVersions(family: string, visibility?: "platform" | "private"): Promise<FamilyHistory> {
    return this.json(familyHistorySchema, `/families/${encodeURIComponent(family)}/versions${visibility ? `?visibility=${visibility}` : ""}`);
  }

  async deleteImage(id: string): Promise<void> {
    const response = await this.send(`/images/${encodeURIComponent(id)}`, { method: "DELETE" });
    if (!response.ok) throw await errorFrom(response);
  }

  private jsonBody(method: string, body: unknown) {
    return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  }

  /** Every user (administrators), all pages. */
  async allUsers(q?: string): Promise<User[]> {
    const items: User[] = [];
    for (let page = 1; ; page++) {
      const result = await this.json(accountPageSchema, `/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page), pageSize: "200" })}`);
      items.push(...result.items);
      if (page >= result.pageCount) return items;
    }
  }

  getUser(ref: string): Promise<User> {
    return this.json(accountSchema, `/users/${encodeURIComponent(ref)}`);
  }

  createUser(input: Record<string, unknown>): Promise<z.output<typeof createdAccountSchema>> {
    return this.json(createdAccountSchema, "/users", this.jsonBody("POST", input));
  }

  updateUser(ref: string, patch: Record<string, unknown>): Promise<User> {
    return this.json(accountSchema, `/users/${encodeURIComponent(ref)}`, this.jsonBody("PATCH", patch));
  }

  resetUserPassword(ref: string): Promise<z.output<typeof passwordResetSchema>> {
    return this.json(passwordResetSchema, `/users/${encodeURIComponent(ref)}/password-reset`, { method: "POST" });
  }

  listProjects(all = false): Promise<Project[]> {
    return this.json(projectListSchema, `/projects${all ? "?all=true" : ""}`);
  }

  /** A project by id, or by its exact name among those the caller sees (`--project build-team`, HANGAR_PROJECT). */
  async resolveProject(ref: string): Promise<Project> {
    const projects = await this.listProjects();
    const found = projects.find((project) => project.id === ref) ?? projects.find((project) => project.name === ref);
    if (found) return found;
    return this.json(projectSchema, `/projects/${encodeURIComponent(ref)}`);
  }

  createProject(input: Record<string, unknown>): Promise<Project> {
    return this.json(projectSchema, "/projects", this.jsonBody("POST", input));
  }

  updateProject(id: string, patch: Record<string, unknown>): Promise<Project> {
    return this.json(projectSchema, `/projects/${encodeURIComponent(id)}`, this.jsonBody("PATCH", patch));
  }

  async deleteProject(id: string): Promise<void> {
    const response = await this.send(`/projects/${encodeURIComponent(id)}`, { method: "DELETE" });
    if (!response.ok) throw await errorFrom(response);
  }

  listMembers(projectId: string): Promise<z.output<typeof memberListSchema>> {
    return this.json(memberListSchema, `/projects/${encodeURIComponent(projectId)}/members`);
  }

  addMember(projectId: string, email: string, role: string): Promise<z.output<typeof memberSchema>> {
    return this.json(memberSchema, `/projects/${encodeURIComponent(projectId)}/members`, this.jsonBody("POST", { email, role }));
  }

  setMemberRole(projectId: string, userId: string, role: string): Promise<z.output<typeof memberSchema>> {
    return this.json(memberSchema, `/projects/${encodeURIComponent(projectId)}/members/${encodeURIComponent(userId)}`, this.jsonBody("PATCH", { role }));
  }

  async removeMember(projectId: string, userId: string): Promise<void> {
    const response = await this.send(`/projects/${encodeURIComponent(projectId)}/members/${encodeURIComponent(userId)}`, { method: "DELETE" });
    if (!response.ok) throw await errorFrom(response);
  }

  listImageShares(imageId: string): Promise<Share[]> {
    return this.json(shareListSchema, `/images/${encodeURIComponent(imageId)}/shares`);
  }

  shareImage(imageId: string, to: { project: string } | { user: string }): Promise<Share> {
    return this.json(shareSchema, `/images/${encodeURIComponent(imageId)}/shares`, this.jsonBody("POST", to));
  }

  async unshareImage(imageId: string, shareId: string): Promise<void> {
    const response = await this.send(`/images/${encodeURIComponent(imageId)}/shares/${encodeURIComponent(shareId)}`, { method: "DELETE" });
    if (!response.ok) throw await errorFrom(response);
  }

  deleteUser(ref: string, images: { images: "delete" } | { images: "transfer"; transferTo: string }): Promise<z.output<typeof deletedAccountSchema>> {
    return this.json(deletedAccountSchema, `/users/${encodeURIComponent(ref)}?${new URLSearchParams(images)}`, { method: "DELETE" });
  }

  /**
   * An image by id, by family reference (FAMILY@latest, FAMILY@VERSION: the server resolves it), or by exact name when no image has that id and exactly one
   * visible image has that name (so `hangar download "Debian 12"` works, and an
   * ambiguous name is refused rather than guessed).
   */
  async resolveImage(ref: string, warn: (text: string) => void = (text) => process.stderr.write(`${text}\n`)): Promise<Image> {
    const image = await this.findImage(ref);
    // Whatever the command, a deprecated image says so, and names its replacement.
    const notice = deprecationNotice(image);
    if (notice) warn(notice);
    return image;
  }

  private async findImage(ref: string): Promise<Image> {
    try {
      return await this.getImage(ref);
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode !== EXIT.notFound) throw error;
      const named = (await this.allImages({ scope: "all", q: ref })).filter((image) => image.name === ref);
      if (named.length === 1 && named[0]) return named[0];
      if (named.length > 1)
        throw new CliError(EXIT.usage, `${named.length} images are named "${ref}"; use an id: ${named.map((image) => image.id).join(", ")}.`);
      throw new CliError(EXIT.notFound, `No image has the id, family reference (FAMILY@latest) or name "${ref}" (or it is another user's private image).`);
    }
  }

  /** Starts an import from a URL (POST /images/imports). */
  createImport(request: Record<string, string>): Promise<ImageImport> {
    return this.json(importViewSchema, "/images/imports", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
  }

  getImport(id: string): Promise<ImageImport> {
    return this.json(importViewSchema, `/images/imports/${encodeURIComponent(id)}`);
  }

  cancelImport(id: string): Promise<ImageImport> {
    return this.json(importViewSchema, `/images/imports/${encodeURIComponent(id)}`, { method: "DELETE" });
  }
}
