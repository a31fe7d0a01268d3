import { type Command, Option } from "commander";
import { aRole, PROJECT_ROLES } from "../../catalog/actions";
import { humanBytes } from "../../units";
import type { HangarClient, Project, Share } from "../client";
import { connect } from "../connect";
import { usageError } from "../errors";
import { stdio, table } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";
import { quotaValue } from "./users";

const limit = (project: Project) => (project.usage.limitBytes === null ? "none" : humanBytes(project.usage.limitBytes));

export function projectTable(projects: Project[]): string {
  return table(
    ["ID", "NAME", "KIND", "ROLE", "MEMBERS", "IMAGES", "USED", "QUOTA"],
    projects.map((project) => [
      project.id,
      project.name,
      project.kind,
      project.role ?? "-",
      String(project.memberCount),
      String(project.imageCount),
      humanBytes(project.usage.usedBytes),
      `${limit(project)}${project.usage.quotaBytes === null ? " (default)" : ""}`,
    ]),
  );
}

const recipient = (share: Share) => (share.project ? `project ${share.project.name}` : share.user ? `user ${share.user.email}` : "-");

export function shareTable(shares: Share[]): string {
  return table(
    ["ID", "IMAGE", "SHARED WITH", "BY", "SINCE"],
    shares.map((share) => [share.id, share.image.name, recipient(share), share.createdBy?.email ?? "-", share.createdAt.slice(0, 16).replace("T", " ")]),
  );
}

/** The project a command names, or the one HANGAR_PROJECT names; undefined when neither does. */
export async function projectOption(client: HangarClient, ref: string | undefined): Promise<Project | undefined> {
  const wanted = ref ?? process.env.HANGAR_PROJECT?.trim();
  return wanted ? client.resolveProject(wanted) : undefined;
}

/** The `--project` option of the commands that list or add images in one project. */
export const projectFlag = () => new Option("--project <project>", "a project (id or name) instead of your personal project; default: $HANGAR_PROJECT");

const roleOption = () =>
  new Option("--role <role>", "viewer (see, download), member (also upload, edit, delete), owner (also members and sharing)").choices(PROJECT_ROLES);

export function registerProjectCommands(program: Command): void {
  const projects = program.command("projects").description("your projects: usage against quota, members and roles");

  const ls = projects.command("ls").description("the projects you are a member of").option("--all", "every project (administrators)");
  addOutputOptions(ls, "an array of projects as the API returns them").action(async (options: { all?: boolean }, command: Command) => {
    const format = outputFormat(command);
    const list = await (await connect()).listProjects(options.all);
    stdio.out(format === "json" ? JSON.stringify(list, null, 2) : projectTable(list));
  });

  const show = projects.command("show").description("one project, with its members").argument("<project>", "id or name");
  addOutputOptions(show, "the project as the API returns it").action(async (ref: string, _options: unknown, command: Command) => {
    const format = outputFormat(command);
    const client = await connect();
    const project = await client.resolveProject(ref);
    if (format === "json") {
      stdio.out(JSON.stringify(project, null, 2));
      return;
    }
    stdio.out(projectTable([project]));
    const members = await client.listMembers(project.id);
    stdio.out(
      `\n${table(
        ["USER ID", "EMAIL", "NAME", "ROLE", "SOURCE"],
        members.map((m) => [m.user.id, m.user.email, m.user.name, m.role, m.source]),
      )}`,
    );
  });

  const create = projects
    .command("create")
    .description("create a team project (administrators, and members of single sign-on's project creator groups); you become its first owner")
    .argument("<name>", "its name (no @)")
    .option("--quota <size>", 'its quota (administrators), such as 500GiB; "default" for the server\'s (HANGAR_USER_QUOTA)');
  addOutputOptions(create, "the project as the API returns it").action(async (name: string, options: { quota?: string }, command: Command) => {
    const format = outputFormat(command);
    const quotaBytes = quotaValue(options.quota);
    const project = await (await connect()).createProject({ name, ...(quotaBytes !== undefined ? { quotaBytes } : {}) });
    stdio.out(format === "json" ? JSON.stringify(project, null, 2) : `Created project ${project.name} (${project.id}).`);
  });

  projects
    .command("set")
    .description("rename a team project (owners) or set its quota (administrators)")
    .argument("<project>", "id or name")
    .option("--name <name>", "its new name")
    .option("--quota <size>", 'its quota, such as 500GiB, or "default"')
    .action(async (ref: string, options: { name?: string; quota?: string }) => {
      const quotaBytes = quotaValue(options.quota);
      if (options.name === undefined && quotaBytes === undefined) throw usageError("Say what to change: --name or --quota.");
      const client = await connect();
      const project = await client.resolveProject(ref);
      const updated = await client.updateProject(project.id, {
        ...(options.name ? { name: options.name } : {}),
        ...(quotaBytes !== undefined ? { quotaBytes } : {}),
      });
      stdio.out(`Updated ${updated.name}: quota ${limit(updated)}.`);
    });

  projects
    .command("rm")
    .description("delete an empty team project (administrators)")
    .argument("<project>", "id or name")
    .action(async (ref: string) => {
      const client = await connect();
      const project = await client.resolveProject(ref);
      await client.deleteProject(project.id);
      stdio.out(`Deleted project ${project.name}.`);
    });

  const members = projects.command("members").description("who is in a team project, and with which role (owners change them)");
  members
    .command("ls")
    .argument("<project>", "id or name")
    .action(async (ref: string) => {
      const client = await connect();
      const list = await client.listMembers((await client.resolveProject(ref)).id);
      stdio.out(
        table(
          ["USER ID", "EMAIL", "NAME", "ROLE", "SOURCE"],
          list.map((m) => [m.user.id, m.user.email, m.user.name, m.role, m.source]),
        ),
      );
    });
  members
    .command("add")
    .argument("<project>", "id or name")
    .argument("<email>", "the user's email")
    .addOption(roleOption().default("member"))
    .action(async (ref: string, email: string, options: { role: string }) => {
      const client = await connect();
      const member = await client.addMember((await client.resolveProject(ref)).id, email, options.role);
      stdio.out(`Added ${member.user.email} as ${aRole(member.role)}.`);
    });
  members
    .command("set")
    .argument("<project>", "id or name")
    .argument("<user>", "the member's user id or email")
    .addOption(roleOption().makeOptionMandatory())
    .action(async (ref: string, user: string, options: { role: string }) => {
      const client = await connect();
      const project = await client.resolveProject(ref);
      const member = await client.setMemberRole(project.id, await memberId(client, project.id, user), options.role);
      stdio.out(`${member.user.email} is now ${aRole(member.role)} of ${project.name}.`);
    });
  members
    .command("rm")
    .argument("<project>", "id or name")
    .argument("<user>", "the member's user id or email")
    .action(async (ref: string, user: string) => {
      const client = await connect();
      const project = await client.resolveProject(ref);
      await client.removeMember(project.id, await memberId(client, project.id, user));
      stdio.out(`Removed ${user} from ${project.name}.`);
    });

  const share = program
    .command("share")
    .description("let a team project or a user see and download one of your project's images (owners); --list shows its shares")
    .argument("<image>", "image id, FAMILY@VERSION or exact name")
    .argument("[project]", "the team project to share with (id or name)")
    .option("--user <email>", "share with this user instead of a project")
    .option("--list", "list who the image is shared with");
  addOutputOptions(share, "the share (or with --list, the shares) as the API returns it").action(
    async (ref: string, project: string | undefined, options: { user?: string; list?: boolean }, command: Command) => {
      const format = outputFormat(command);
      const client = await connect();
      const image = await client.resolveImage(ref);
      if (options.list) {
        const shares = await client.listImageShares(image.id);
        stdio.out(format === "json" ? JSON.stringify(shares, null, 2) : shares.length ? shareTable(shares) : `${image.name} is not shared.`);
        return;
      }
      if (Boolean(project) === Boolean(options.user))
        throw usageError("Share with a project (hangar share IMAGE PROJECT) or a user (--user EMAIL), one of the two.");
      const made = await client.shareImage(image.id, options.user ? { user: options.user } : { project: project ?? "" });
      stdio.out(format === "json" ? JSON.stringify(made, null, 2) : `Shared ${image.name} with ${recipient(made)}.`);
    },
  );

  program
    .command("unshare")
    .description("revoke a share: the project or user stops seeing the image at once")
    .argument("<image>", "image id, FAMILY@VERSION or exact name")
    .argument("[project]", "the team project it is shared with (id or name)")
    .option("--user <email>", "the user it is shared with")
    .action(async (ref: string, project: string | undefined, options: { user?: string }) => {
      if (Boolean(project) === Boolean(options.user)) throw usageError("Name the share: a project (hangar unshare IMAGE PROJECT) or a user (--user EMAIL).");
      const client = await connect();
      const image = await client.resolveImage(ref);
      const shares = await client.listImageShares(image.id);
      const found = shares.find((one) =>
        options.user ? one.user?.email === options.user.trim().toLowerCase() : one.project?.id === project || one.project?.name === project,
      );
      if (!found) throw usageError(`${image.name} is not shared with ${options.user ? `user ${options.user}` : `project ${project ?? ""}`}.`);
      await client.unshareImage(image.id, found.id);
      stdio.out(`Revoked: ${image.name} is no longer shared with ${recipient(found)}.`);
    });
}

/** A member named by user id or email. */
async function memberId(client: HangarClient, projectId: string, user: string): Promise<string> {
  if (!user.includes("@")) return user;
  const member = (await client.listMembers(projectId)).find((one) => one.user.email === user.trim().toLowerCase());
  if (!member) throw usageError(`${user} is not a member of this project.`);
  return member.user.id;
}
