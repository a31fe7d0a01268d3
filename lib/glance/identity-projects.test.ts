import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UploadTestEnv, makeUploadTestEnv } from "../testing/upload-env";
import type { GlanceDeps } from "./deps";
import { listIdentityProjects, showIdentityProject } from "./identity-projects";
import { glanceTestDeps } from "./testing/glance-cli";

// Identity's projects, which openstackclient asks for before it names a project as an image member: the portal's
// policy decides, as on its project pages (the HTTP door and every actor: security/glance-authorization.test.ts).

const ROOT = "http://glance.test:9292";

let env: UploadTestEnv;
let deps: GlanceDeps;
const projects = { builds: "", tools: "", deploy: "" };

beforeAll(async () => {
  env = await makeUploadTestEnv();
  deps = glanceTestDeps(env);
  const team = async (name: string, userId: string) =>
    (await env.db.project.create({ data: { name, nameKey: name, kind: "team", members: { create: [{ userId, role: "member" }] } } })).id;
  projects.builds = await team("builds", env.alice.id);
  projects.tools = await team("tools", env.alice.id);
  projects.deploy = await team("deploy", env.bob.id);
});
afterAll(() => env.close());

const query = (params: Record<string, string> = {}) => new URLSearchParams(params);

describe("Identity v3's projects", () => {
  it("shows a member their project, in Keystone's document, and hides the others' as if they did not exist", async () => {
    expect(await showIdentityProject(deps, env.alice, projects.builds, ROOT)).toEqual({
      ok: true,
      value: {
        project: {
          id: projects.builds,
          name: "builds",
          domain_id: "default",
          parent_id: "default",
          description: "",
          enabled: true,
          is_domain: false,
          tags: [],
          options: {},
          links: { self: `${ROOT}/identity/v3/projects/${projects.builds}` },
        },
      },
    });
    for (const id of [projects.deploy, "no-such-project"])
      expect(await showIdentityProject(deps, env.alice, id, ROOT), id).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("a token limited to one project shows that one only; no token, nothing", async () => {
    const limited = { ...env.alice, limits: { projectId: projects.tools, scope: "full" as const } };
    expect(await showIdentityProject(deps, limited, projects.tools, ROOT)).toMatchObject({ ok: true, value: { project: { name: "tools" } } });
    expect(await showIdentityProject(deps, limited, projects.builds, ROOT)).toMatchObject({ ok: false });
    expect(await showIdentityProject(deps, null, projects.builds, ROOT)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("lists every project to administrators only, by name when asked; a user is refused (403), as Keystone refuses a member", async () => {
    const all = await listIdentityProjects(deps, env.admin, query(), ROOT);
    if (!all.ok) throw new Error(all.error.message);
    expect((all.value as { projects: { name: string }[] }).projects.map((project) => project.name)).toEqual(expect.arrayContaining(["builds", "deploy"]));
    expect(await listIdentityProjects(deps, env.admin, query({ name: "deploy" }), ROOT)).toMatchObject({
      ok: true,
      value: { projects: [{ id: projects.deploy, name: "deploy" }], links: { self: `${ROOT}/identity/v3/projects`, next: null } },
    });
    expect(await listIdentityProjects(deps, env.admin, query({ name: "nothing" }), ROOT)).toMatchObject({ ok: true, value: { projects: [] } });
    expect(await listIdentityProjects(deps, env.alice, query({ name: "builds" }), ROOT)).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
