import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { RegisterForm } from "@/components/admin/register-form";
import { ImageList } from "@/components/catalog/image-list";
import { readListQuery, type SearchParams } from "@/components/catalog/list-params";
import { toRows } from "@/components/catalog/rows";
import { requireActor } from "@/app/(portal)/request-session";
import { listImages, listPrivateImagesForAdmin } from "@/lib/catalog/queries";
import { listImportableFiles } from "@/lib/catalog/register";
import { catalogDeps } from "@/lib/catalog/runtime";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor();
  const deps = catalogDeps();
  const params = await searchParams;
  // Admins curate deprecated images too, so this list shows them unless asked otherwise.
  const platformQuery = { ...readListQuery(params, "platform"), deprecated: true };
  const privateQuery = readListQuery(params, "private");
  const [platform, privateImages, files] = await Promise.all([
    listImages(deps, actor, "platform", platformQuery),
    listPrivateImagesForAdmin(deps, actor, privateQuery),
    listImportableFiles(deps, actor),
  ]);
  if (!platform.ok || !privateImages.ok || !files.ok) forbidden();

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Administration</h1>
        <p className="mt-1 text-sm text-slate-600">Curate the platform catalog every user sees, publish users’ images and manage accounts.</p>
      </div>
      <AdminNav current="/admin" />

      <section aria-labelledby="register-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="register-title" className="text-base font-semibold text-slate-900">
          Register a platform image
        </h2>
        <p className="mb-4 text-sm text-slate-500">Files copied into the server’s import directory are moved into image storage and validated like uploads.</p>
        <RegisterForm files={files.value} importDir={deps.importDir} />
      </section>

      <ImageList
        id="platform-catalog"
        title="Platform catalog"
        subtitle="Right-click a row to rename, edit properties, deprecate or delete. Deprecated images are listed here with their badge."
        prefix="platform"
        path="/admin"
        params={params}
        query={platformQuery}
        page={platform.value}
        rows={toRows(platform.value.items)}
        empty={<p className="text-sm text-slate-600">No platform images yet. Register one above.</p>}
      />

      <ImageList
        id="user-images"
        title="Users’ private images"
        subtitle="Publish a copy of a user’s image to the platform catalog; the owner keeps theirs."
        prefix="private"
        path="/admin"
        params={params}
        query={privateQuery}
        page={privateImages.value}
        rows={toRows(privateImages.value.items)}
        showOwner
        empty={<p className="text-sm text-slate-600">No user has uploaded a private image yet.</p>}
      />
    </div>
  );
}
