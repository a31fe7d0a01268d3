import { Archive, Eye, HardDriveUpload, Layers, Users } from "lucide-react";
import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ImageList } from "@/components/catalog/image-list";
import { NewProjectButton } from "@/components/projects/new-project-button";
import { ProjectSwitcher } from "@/components/projects/project-switcher";
import { UsageBar } from "@/components/projects/usage-bar";
import { listHref, readListQuery, type SearchParams } from "@/components/catalog/list-params";
import { toRows } from "@/components/catalog/rows";
import { UploadDropZone } from "@/components/uploads/drop-zone";
import { UnfinishedUploads } from "@/components/uploads/unfinished-uploads";
import { ImportButton } from "@/components/uploads/import-dialog";
import { UploadButton } from "@/components/uploads/upload-button";
import { requestUploadLimits, requirePersonalProjectId, requireViewer } from "@/app/(portal)/request-session";
import { judgePlatformAddition, judgeProjectCreation, judgeQuotaGiving } from "@/lib/catalog/policy";
import { listImages } from "@/lib/catalog/queries";
import { currentProject } from "@/lib/projects/current";
import { projectDeps } from "@/lib/projects/runtime";
import { listUnfinishedUploads } from "@/lib/uploads/list";
import { uploadDeps } from "@/lib/uploads/runtime";

export const metadata: Metadata = { title: "Images" };

export default async function ImagesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await requireViewer();
  const { actor } = viewer;
  const params = await searchParams;
  const deps = uploadDeps();
  // The switcher's choice: a project the actor is not a member of is not found, as one that does not exist.
  const requested = typeof params.project === "string" ? params.project : null;
  const current = await currentProject(projectDeps(), viewer, requested, requirePersonalProjectId);
  if (!current) notFound();
  const { project, projects } = current;
  const platformQuery = readListQuery(params, "platform");
  const mineQuery = readListQuery(params, "mine");
  const [platform, mine, unfinished, limits] = await Promise.all([
    listImages(deps, viewer, "platform", platformQuery),
    listImages(deps, viewer, "mine", mineQuery, project.id),
    listUnfinishedUploads(deps, actor),
    requestUploadLimits(project.id),
  ]);
  if (!platform.ok || !mine.ok || !unfinished.ok) throw new Error("listing images failed for a signed-in user");
  const curates = judgePlatformAddition(actor).decision === "allow";
  const uploads = project.actions.includes("upload");
  const target = { id: project.id, name: project.name };
  // Another user's personal project (an administrator looking at it) is named, not "My images".
  const personal = project.kind === "personal" && project.personalUser?.id === actor.id;
  const title = personal ? "My images" : project.name;
  const subtitle = personal
    ? "Private images of your personal project, and those shared with you. Drop disk images here to upload them; right-click a row for more."
    : uploads
      ? `Images of the project ${project.name}, and those shared with it. Drop disk images here to upload them; right-click a row for more.`
      : `Images of the project ${project.name}, and those shared with it. As a viewer you see and download them.`;
  const list = (
    <ImageList
      id="my-images"
      title={title}
      subtitle={subtitle}
      prefix="mine"
      path="/images"
      params={params}
      query={mineQuery}
      page={mine.value}
      rows={toRows(mine.value.items)}
      actions={
        uploads ? (
          <div className="flex gap-2">
            <ImportButton visibility="private" project={target} />
            <UploadButton visibility="private" project={target} limits={limits} />
          </div>
        ) : undefined
      }
      empty={
        mineQuery.q ? (
          <p className="text-sm text-slate-600">
            No image in {personal ? "your project" : project.name} matches “{mineQuery.q}”.
          </p>
        ) : (
          <div className="mx-auto max-w-md">
            <HardDriveUpload className="mx-auto size-10 text-slate-300" />
            <p className="mt-3 font-medium text-slate-900">{personal ? "You have no private images yet" : `${project.name} has no images yet`}</p>
            {uploads ? (
              <>
                <p className="mt-1 text-sm text-slate-600">
                  Upload a RAW, QCOW2 or VMDK disk image with cloud-init and the virtio drivers. Hangar checks it for you.
                </p>
                <div className="mt-4 flex flex-col items-center gap-2">
                  <UploadButton visibility="private" project={target} limits={limits} />
                  <span className="text-xs text-slate-500">or drop files on this list</span>
                </div>
              </>
            ) : (
              <p className="mt-1 text-sm text-slate-600">Its members upload them; you see them here once they do.</p>
            )}
          </div>
        )
      }
    />
  );

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Images</h1>
          <p className="mt-1 text-sm text-slate-600">
            Disk images to create instances from: the platform catalog everyone shares, and your projects&apos; private images.
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-4">
          <ProjectSwitcher projects={projects} current={project} />
          {judgeProjectCreation(actor).decision === "allow" ? <NewProjectButton withQuota={judgeQuotaGiving(actor).decision === "allow"} /> : null}
          <div className="space-y-1">
            <UsageBar usage={project.usage} label={`Storage of ${personal ? "your project" : project.name}`} className="w-72" />
            <Link href={`/projects/${project.id}`} className="inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:text-brand-600">
              {project.role === "viewer" ? <Eye className="size-3.5" /> : <Users className="size-3.5" />} Project details and members
            </Link>
          </div>
        </div>
      </div>

      <UnfinishedUploads uploads={unfinished.value} />

      {uploads ? (
        <UploadDropZone visibility="private" label={title} project={target} limits={limits}>
          {list}
        </UploadDropZone>
      ) : (
        list
      )}

      <PlatformDropZone curates={curates}>
        <ImageList
          id="platform-images"
          title="Platform images"
          subtitle="Curated by administrators and shared with every user; read-only."
          prefix="platform"
          path="/images"
          params={params}
          query={platformQuery}
          page={platform.value}
          rows={toRows(platform.value.items)}
          actions={
            curates ? (
              <div className="flex gap-2">
                <ImportButton visibility="platform" />
                <UploadButton visibility="platform" variant="secondary" />
              </div>
            ) : undefined
          }
          filters={
            <Link
              href={listHref("/images", params, "platform", { deprecated: platformQuery.deprecated ? null : "1", page: null })}
              scroll={false}
              className={`inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm ring-1 ring-inset ${platformQuery.deprecated ? "bg-slate-900 text-white ring-slate-900" : "text-slate-600 ring-slate-300 hover:bg-slate-50"}`}
            >
              {/* A link that changes the list, not a toggle button: its name says what it does next. */}
              <Archive className="size-4" /> {platformQuery.deprecated ? "Hide deprecated" : "Show deprecated"}
            </Link>
          }
          empty={
            platformQuery.q ? (
              <p className="text-sm text-slate-600">No platform image matches “{platformQuery.q}”.</p>
            ) : (
              <div className="mx-auto max-w-md">
                <Layers className="mx-auto size-10 text-slate-300" />
                <p className="mt-3 font-medium text-slate-900">The platform catalog is empty</p>
                <p className="mt-1 text-sm text-slate-600">
                  {curates ? "Upload the first platform image, or register one from the Admin page." : "Your administrators have not published any image yet."}
                </p>
              </div>
            )
          }
        />
      </PlatformDropZone>
    </div>
  );
}

/** Admins drop files on the platform list to add platform images; for users it is a plain list. */
function PlatformDropZone({ curates, children }: { curates: boolean; children: ReactNode }) {
  return curates ? (
    <UploadDropZone visibility="platform" label="Platform images">
      {children}
    </UploadDropZone>
  ) : (
    <>{children}</>
  );
}
