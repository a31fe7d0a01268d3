import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { upsertUser } from "../auth/users";
import { listImages } from "../catalog/queries";
import { listQuerySchema } from "../catalog/schemas";
import { type GlanceTestListener, startGlanceTestListener, tokenOf } from "../testing/glance-listener";
import type { UploadTestEnv } from "../testing/upload-env";
import { GLANCE, glanceCli } from "./testing/glance-cli";

// Glance's image members with the real `glance` command line (Debian's python3-glanceclient): Alice owns an image
// of team project Builds and shares it with project Deploy, where Bob is a member; Carol is in neither. The
// shares are Hangar's (lib/projects/shares.ts), so the portal's lists follow what Deploy answered.

let env: UploadTestEnv;
let listener: GlanceTestListener;
let cli: ReturnType<typeof glanceCli>;
let image: string;
let builds: string;
let deploy: string;
let carol: Actor;
const tokens = new Map<string, string>();

beforeAll(async () => {
  if (!GLANCE) throw new Error("python3-glanceclient is not installed: apt-get install python3-glanceclient (scripts/test-all.sh does)");
  listener = await startGlanceTestListener();
  env = listener.env;
  cli = glanceCli(listener.url, env.dir);
  carol = await upsertUser(env.db, { email: "carol@test", name: "Carol", password: "carol-pass", role: "user" });
  const team = async (name: string, members: [Actor, string][]) =>
    (
      await env.db.project.create({
        data: { name, nameKey: name, kind: "team", members: { create: members.map(([actor, role]) => ({ userId: actor.id, role })) } },
      })
    ).id;
  builds = await team("builds", [[env.alice, "owner"]]);
  deploy = await team("deploy", [[env.bob, "member"]]);
  image = await env.addImage({ owner: env.alice, projectId: builds, name: "golden", visibility: "private" });
  for (const [who, actor] of [
    ["alice", env.alice],
    ["bob", env.bob],
    ["carol", carol],
  ] as [string, Actor][]) {
    tokens.set(who, await tokenOf(env, actor));
  }
});
afterAll(async () => {
  await listener.close();
});

/** Runs `glance` as the user in token mode. */
const glance = (who: string, ...args: string[]) => cli.as(tokens.get(who) ?? "", ...args);
const ok = (who: string, ...args: string[]) => cli.ok(tokens.get(who) ?? "", ...args);

/** The rows of a glanceclient table (`| a | b | c |`), header first. */
const rows = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );

/** member-create, member-update and member-list print Image ID, Member ID and Status. */
const members = async (who: string, ...args: string[]) => rows(await ok(who, ...args)).slice(1);
const listed = async (who: string, ...args: string[]) => (await members(who, "image-list", ...args)).map((row) => row[0]);

/** The images of Deploy's list on the portal and the REST API (lib/catalog/queries.ts), as Bob sees it. */
async function portalList(): Promise<string[]> {
  const page = await listImages(env.deps, env.bob, "all", listQuerySchema.parse({}));
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items.map((item) => item.id);
}

describe("Glance's image members with the real glance command line", { timeout: 180_000 }, () => {
  it("the owner shares, the member project sees it pending, accepts, lists it, rejects; the owner revokes", async () => {
    expect(await members("alice", "member-create", image, deploy)).toEqual([[image, deploy, "pending"]]);

    // Pending: Bob reaches it by its id, neither Glance's default list nor the portal's shows it.
    expect((await ok("bob", "image-show", image)).includes("golden")).toBe(true);
    expect(await listed("bob")).not.toContain(image);
    expect(await listed("bob", "--member-status", "pending")).toContain(image);
    expect(await portalList()).not.toContain(image);

    expect(await members("bob", "member-update", image, deploy, "accepted")).toEqual([[image, deploy, "accepted"]]);
    expect(await listed("bob")).toContain(image);
    expect(await listed("bob", "--visibility", "shared")).toContain(image);
    expect(await portalList()).toContain(image);
    expect(await members("bob", "member-list", "--image-id", image)).toEqual([[image, deploy, "accepted"]]);
    expect(await members("alice", "member-list", "--image-id", image)).toEqual([[image, deploy, "accepted"]]);

    expect(await members("bob", "member-update", image, deploy, "rejected")).toEqual([[image, deploy, "rejected"]]);
    expect(await listed("bob")).not.toContain(image);
    expect(await listed("bob", "--member-status", "rejected")).toContain(image);
    expect(await listed("bob", "--member-status", "all")).toContain(image);
    expect(await portalList()).not.toContain(image);

    // The owner's own list has the image whatever the member answered.
    expect(await listed("alice", "--member-status", "pending")).toContain(image);

    await ok("alice", "member-delete", image, deploy);
    expect(await members("alice", "member-list", "--image-id", image)).toEqual([]);
    expect((await glance("bob", "image-show", image)).code).not.toBe(0);
  });

  it("a member names a project by its name too; the documents name it by its id", async () => {
    expect(await members("alice", "member-create", image, "deploy")).toEqual([[image, deploy, "pending"]]);
    const again = await glance("alice", "member-create", image, deploy);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/409|member of this image already/);
    await ok("alice", "member-delete", image, "deploy");
  });

  it("only the image's owners add and remove members, only the member project answers, and a stranger sees nothing", async () => {
    const byMember = await glance("bob", "member-create", image, deploy);
    expect(byMember.code).not.toBe(0);
    expect(byMember.stderr).toMatch(/No such image/);
    expect(await members("alice", "member-list", "--image-id", image)).toEqual([]);

    await ok("alice", "member-create", image, deploy);
    // Bob, a member of Deploy, may not add another project; the owner may not answer for Deploy.
    expect((await glance("bob", "member-create", image, builds)).stderr).toMatch(/only members of its project can change it/);
    expect((await glance("alice", "member-update", image, deploy, "accepted")).code).not.toBe(0);
    expect(await members("bob", "member-list", "--image-id", image)).toEqual([[image, deploy, "pending"]]);
    expect((await glance("bob", "member-delete", image, deploy)).code).not.toBe(0);

    for (const args of [
      ["image-show", image],
      ["member-list", "--image-id", image],
      ["member-update", image, deploy, "accepted"],
    ]) {
      const stranger = await glance("carol", ...args);
      expect(stranger.code, args.join(" ")).not.toBe(0);
      expect(stranger.stderr, args.join(" ")).toMatch(/No such image/);
    }
    expect(await listed("carol", "--member-status", "all")).not.toContain(image);
    expect(await members("bob", "member-list", "--image-id", image)).toEqual([[image, deploy, "pending"]]);
    await ok("alice", "member-delete", image, deploy);
  });
});
