import readline from "node:readline/promises";
import { type Command, Option } from "commander";
import { humanBytes } from "../../units";
import type { User } from "../client";
import { connect } from "../connect";
import { CliError, usageError } from "../errors";
import { EXIT } from "../exit-codes";
import { stdio, table } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");
const quota = (user: User) => (user.quotaBytes === null ? "default" : humanBytes(user.quotaBytes));

export function userTable(users: User[]): string {
  return table(
    ["ID", "EMAIL", "NAME", "ROLE", "STATUS", "IMAGES", "USED", "QUOTA", "LAST SIGN-IN"],
    users.map((user) => [
      user.id,
      user.email,
      user.name,
      user.role,
      user.status,
      String(user.imageCount),
      humanBytes(user.usedBytes),
      quota(user),
      when(user.lastSignInAt),
    ]),
  );
}

export function userDetails(user: User): string {
  const fields: [string, string][] = [
    ["id", user.id],
    ["email", user.email],
    ["name", user.name],
    ["role", user.role],
    ["creates projects", user.role === "admin" || user.projectCreator ? "yes" : "no"],
    ["status", user.status + (user.disabledAt ? ` since ${when(user.disabledAt)}` : "")],
    ["signs in with", { local: "a Hangar password", oidc: "OpenID Connect", ldap: "LDAP" }[user.source]],
    ["password link", user.passwordLinkExpiresAt ? `unused, expires ${when(user.passwordLinkExpiresAt)}` : "-"],
    ["images", String(user.imageCount)],
    ["used", humanBytes(user.usedBytes)],
    ["quota", quota(user)],
    ["last sign-in", when(user.lastSignInAt)],
    ["created", user.createdAt],
  ];
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join("\n");
}

/** A link the server makes once: on standard output alone, so that `$(hangar users create ...)` is the link. */
function printLink(link: { url: string; expiresAt: string }, who: string, what: string): void {
  stdio.err(`${what} for ${who}; give them this link. It works once, until ${when(link.expiresAt)} UTC, and is not shown again:`);
  stdio.out(link.url);
}

async function confirm(question: string, yes: boolean | undefined, refusal: string): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw usageError(`${refusal} without --yes when not on a terminal.`);
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    if (!/^y(es)?$/i.test((await prompt.question(question)).trim())) throw new CliError(EXIT.failed, "Nothing was changed.");
  } finally {
    prompt.close();
  }
}

const quotaOption = new Option("--quota <size>", 'a quota such as 500GiB, or "default" for the server\'s (HANGAR_USER_QUOTA)');
/** --quota as the API takes it: a size, or null for "default" (the server's HANGAR_USER_QUOTA). */
export const quotaValue = (value: string | undefined) => (value === undefined ? undefined : value.trim().toLowerCase() === "default" ? null : value);

export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("manage accounts (administrators): invite, change, disable, reset passwords, delete");

  const ls = users.command("ls").description("list every user").option("-s, --search <text>", "only users whose email or name contains this text");
  addOutputOptions(ls, "an array of users as the API returns them").action(async (options: { search?: string }, command: Command) => {
    const format = outputFormat(command);
    const list = await (await connect()).allUsers(options.search);
    if (format === "json") stdio.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) stdio.err(options.search ? `No user matches "${options.search}".` : "No users.");
    else stdio.out(userTable(list));
  });

  const show = users.command("show").description("one user, by id or email").argument("<user>", "id or email");
  addOutputOptions(show, "the user as the API returns it").action(async (ref: string, _options: unknown, command: Command) => {
    const format = outputFormat(command);
    const user = await (await connect()).getUser(ref);
    stdio.out(format === "json" ? JSON.stringify(user, null, 2) : userDetails(user));
  });

  const create = users
    .command("create")
    .description("add a user; prints the one-time link that sets their password (Hangar sends no mail)")
    .argument("<email>", "their email")
    .requiredOption("--name <name>", "their name, as the portal shows it")
    .addOption(new Option("--role <role>", "their role").choices(["user", "admin"]).default("user"))
    .addOption(quotaOption);
  addOutputOptions(create, "the user and the invitation link as the API returns them").action(
    async (email: string, options: { name: string; role: string; quota?: string }, command: Command) => {
      const format = outputFormat(command);
      const created = await (
        await connect()
      ).createUser({ email, name: options.name, role: options.role, ...(options.quota ? { quotaBytes: quotaValue(options.quota) } : {}) });
      if (format === "json") stdio.out(JSON.stringify(created, null, 2));
      else printLink(created.invitation, created.user.email, "Added");
    },
  );

  const set = users
    .command("set")
    .description("change a user's name, role or quota")
    .argument("<user>", "id or email")
    .option("--name <name>", "their name")
    .addOption(new Option("--role <role>", "their role").choices(["user", "admin"]))
    .addOption(quotaOption);
  addOutputOptions(set, "the user after the change").action(
    async (ref: string, options: { name?: string; role?: string; quota?: string }, command: Command) => {
      const format = outputFormat(command);
      const patch = { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.role ? { role: options.role } : {}) };
      const quotaBytes = quotaValue(options.quota);
      if (Object.keys(patch).length === 0 && quotaBytes === undefined) throw usageError("Say what to change: --name, --role or --quota.");
      const user = await (await connect()).updateUser(ref, quotaBytes === undefined ? patch : { ...patch, quotaBytes });
      stdio.out(format === "json" ? JSON.stringify(user, null, 2) : `Updated ${user.email}.`);
    },
  );

  users
    .command("disable")
    .description("disable a user: signed out everywhere at once, sign-ins and API tokens refused until enabled")
    .argument("<user>", "id or email")
    .action(async (ref: string) => {
      const user = await (await connect()).updateUser(ref, { disabled: true });
      stdio.out(`Disabled ${user.email}.`);
    });

  users
    .command("enable")
    .description("enable a disabled user again")
    .argument("<user>", "id or email")
    .action(async (ref: string) => {
      const user = await (await connect()).updateUser(ref, { disabled: false });
      stdio.out(`Enabled ${user.email}.`);
    });

  users
    .command("reset-password")
    .description("end a user's password, sessions and API tokens; prints the one-time link that sets a new password")
    .argument("<user>", "id or email")
    .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)")
    .action(async (ref: string, options: { yes?: boolean }) => {
      const client = await connect();
      await confirm(`Reset the password of ${ref}? Their sessions and API tokens end now. [y/N] `, options.yes, `Refusing to reset the password of ${ref}`);
      const reset = await client.resetUserPassword(ref);
      printLink(reset.link, reset.user.email, "Password reset");
    });

  users
    .command("rm")
    .description("delete a user, after giving their images to another user or deleting them")
    .argument("<user>", "id or email")
    .option("--transfer-to <user>", "give their private images to this user (id or email)")
    .option("--delete-images", "delete their private images with the account")
    .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)")
    .action(async (ref: string, options: { transferTo?: string; deleteImages?: boolean; yes?: boolean }) => {
      if (Boolean(options.transferTo) === Boolean(options.deleteImages))
        throw usageError("Say what happens to their images: --transfer-to USER or --delete-images.");
      const client = await connect();
      const user = await client.getUser(ref);
      const fate = options.transferTo ? `give their ${user.imageCount} images to ${options.transferTo}` : `delete their ${user.imageCount} images`;
      await confirm(`Delete ${user.email} and ${fate}? This cannot be undone. [y/N] `, options.yes, `Refusing to delete ${user.email}`);
      const deleted = await client.deleteUser(user.id, options.transferTo ? { images: "transfer", transferTo: options.transferTo } : { images: "delete" });
      stdio.out(
        `Deleted ${deleted.email}: ${deleted.transferred} images transferred, ${deleted.deleted} deleted, ${deleted.platformReassigned} platform images now yours.`,
      );
    });
}
