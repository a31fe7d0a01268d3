import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { NewProjectButton } from "@/components/projects/new-project-button";
import { UsageBar } from "@/components/projects/usage-bar";
import { requireActor } from "@/app/(portal)/request-session";
import { listProjects } from "@/lib/projects/projects";
import { projectDeps } from "@/lib/projects/runtime";

export const metadata: Metadata = { title: "Projects" };

/** Every project, for administrators: its kind, members, images and usage; its page sets the quota and the members. */
export default async function AdminProjectsPage() {
  const actor = await requireActor();
  const projects = await listProjects(projectDeps(), actor, "all");
  if (!projects.ok) forbidden();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Administration</h1>
        <p className="mt-1 text-sm text-slate-600">Every project, personal and team: open one to set its quota or manage its members.</p>
      </div>
      <AdminNav current="/admin/projects" />
      <section aria-labelledby="projects-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-4">
          <h2 id="projects-title" className="text-base font-semibold text-slate-900">
            Projects <span className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{projects.value.length}</span>
          </h2>
          <NewProjectButton withQuota />
        </header>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Projects">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pl-4 pr-3 font-medium">
                  Project
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Kind
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Members
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Images
                </th>
                <th scope="col" className="px-3 py-2 pr-4 font-medium">
                  Storage
                </th>
              </tr>
            </thead>
            <tbody>
              {projects.value.map((project) => (
                <tr key={project.id} className="border-t border-slate-100">
                  <td className="py-2.5 pl-4 pr-3">
                    <Link href={`/projects/${project.id}`} className="font-medium text-brand-700 hover:text-brand-600">
                      {project.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2.5 text-slate-600">{project.kind}</td>
                  <td className="px-3 py-2.5 text-right tabular-nums text-slate-600">{project.memberCount}</td>
                  <td className="px-3 py-2.5 text-right tabular-nums text-slate-600">{project.imageCount}</td>
                  <td className="px-3 py-2.5 pr-4">
                    <UsageBar usage={project.usage} label={`Storage of ${project.name}`} className="w-64" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
