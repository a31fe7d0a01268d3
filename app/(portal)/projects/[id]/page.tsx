import { ArrowLeft, FolderKanban, User } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MembersPanel } from "@/components/projects/members-panel";
import { ProjectShares } from "@/components/projects/project-shares";
import { QuotaForm } from "@/components/projects/quota-form";
import { UsageBar } from "@/components/projects/usage-bar";
import { listAdministrators } from "@/lib/accounts/administrators";
import { requireActor } from "@/app/(portal)/request-session";
import { catalogDeps } from "@/lib/catalog/runtime";
import { listMembers } from "@/lib/projects/members";
import { getProject } from "@/lib/projects/projects";
import { projectDeps } from "@/lib/projects/runtime";
import { listProjectShares, mayRevokeSharesOf } from "@/lib/projects/shares";
import { humanBytes } from "@/lib/units";

export const metadata: Metadata = { title: "Project" };

/**
 * A project's page: what it is, its storage against its quota, its members and the shares of its
 * images. Owners manage members; administrators also set the quota; everyone else reads. A project
 * the actor is not a member of is not found (administrators see every one).
 */
export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  const deps = projectDeps();
  const project = await getProject(deps, actor, id);
  if (!project.ok) notFound();
  const { name, kind, usage, actions, role, personalUser } = project.value;
  const [members, shares, admins] = await Promise.all([
    listMembers(deps, actor, id),
    listProjectShares(catalogDeps(), actor, id),
    listAdministrators(deps.db, actor),
  ]);
  if (!members.ok || !shares.ok || !admins.ok) throw new Error("reading a project its member may see failed");
  const setsQuota = actions.includes("set_quota");
  const team = kind === "team";
  const defaultLabel = deps.defaultQuota === null ? "no quota" : humanBytes(deps.defaultQuota);

  return (
    <div className="space-y-6">
      <Link
        href={`/images?project=${encodeURIComponent(id)}`}
        className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:text-brand-600"
      >
        <ArrowLeft className="size-4" /> Images of {team ? name : "your project"}
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="flex items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
            {team ? <FolderKanban className="size-6 text-slate-400" /> : <User className="size-6 text-slate-400" />}
            {name}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {team ? "Team project" : `Personal project of ${personalUser?.name ?? name}`}
            {role ? ` · you are ${role === "owner" ? "an owner" : `a ${role}`}` : " · you see it as an administrator"}
          </p>
        </div>
      </div>

      <section aria-labelledby="storage-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="storage-title" className="text-base font-semibold text-slate-900">
          Storage
        </h2>
        <UsageBar usage={usage} label={`Storage used by ${name}`} className="mt-3" />
        <p className="mt-2 text-xs text-slate-500">
          {usage.quotaBytes === null ? `The default quota (${defaultLabel}) applies.` : `Its own quota, set by an administrator.`} Uploads in progress count at
          their full size.
        </p>
        {setsQuota ? (
          <QuotaForm projectId={id} current={usage.quotaBytes === null ? "" : humanBytes(usage.quotaBytes)} defaultLabel={defaultLabel} />
        ) : (
          <p className="mt-3 text-sm text-slate-600">
            Need more room? Administrators set quotas:{" "}
            {admins.value.length === 0
              ? "this portal has no active administrator."
              : admins.value.map((admin, index) => (
                  <span key={admin.id}>
                    {index > 0 ? ", " : ""}
                    <a
                      className="font-medium text-brand-700 hover:text-brand-600"
                      href={`mailto:${admin.email}?subject=${encodeURIComponent(`Quota of ${name}`)}`}
                    >
                      {admin.name}
                    </a>
                  </span>
                ))}
            .
          </p>
        )}
      </section>

      {team ? (
        <MembersPanel projectId={id} projectName={name} members={members.value} manage={actions.includes("manage_members")} />
      ) : (
        <section aria-labelledby="members-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="members-title" className="text-base font-semibold text-slate-900">
            Members
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            A personal project is its user&apos;s alone. To work with others, share images with them or use a team project.
          </p>
        </section>
      )}

      <ProjectShares shares={shares.value} revoke={mayRevokeSharesOf(actor, { id, role })} />
    </div>
  );
}
