import { ChevronLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { humanBytes } from "@/components/catalog/format";
import { ImageActionsMenu } from "@/components/catalog/image-actions";
import { toRows } from "@/components/catalog/rows";
import { StatusBadge } from "@/components/catalog/status-badge";
import { requireActor } from "@/app/(portal)/request-session";
import { familyHistory } from "@/lib/catalog/families";
import { VISIBILITIES, type Visibility } from "@/lib/catalog/image";
import { catalogDeps } from "@/lib/catalog/runtime";
import { safeDecode } from "@/lib/http/segment";

export const metadata: Metadata = { title: "Version history" };

const COLUMNS = [
  ["Version", "py-2.5 pl-4 pr-3"],
  ["Name", "px-3 py-2.5"],
  ["Status", "px-3 py-2.5"],
  ["Replacement", "px-3 py-2.5"],
  ["Size", "px-3 py-2.5 text-right"],
  ["Uploaded", "px-3 py-2.5"],
  ["Actions", "w-10 py-2.5 pr-3"],
] as const;

/** A family's versions, newest first by the version order, every state included, each with its actions. */
export default async function FamilyPage({ params, searchParams }: { params: Promise<{ family: string }>; searchParams: Promise<{ visibility?: string }> }) {
  const actor = await requireActor();
  const { family } = await params;
  const { visibility } = await searchParams;
  const scope = (VISIBILITIES as readonly string[]).includes(visibility ?? "") ? (visibility as Visibility) : undefined;
  const result = await familyHistory(catalogDeps(), actor, safeDecode(family), scope);
  if (!result.ok) notFound();
  const history = result.value;
  const rows = toRows(history.versions);
  const latest = history.versions.find((image) => image.id === history.latestId);

  return (
    <div className="space-y-6">
      <Link href="/images" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
        <ChevronLeft className="size-4" /> Images
      </Link>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">
          <span className="font-mono">{history.family}</span> version history
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          {history.visibility === "platform" ? "A platform family" : "Your private family"} with {history.versions.length} version
          {history.versions.length === 1 ? "" : "s"}, newest first.{" "}
          {latest ? (
            <>
              <code className="font-mono text-xs">{history.family}@latest</code> is version <strong className="text-slate-900">{latest.version}</strong>.
            </>
          ) : (
            <>
              No version is ready and active: <code className="font-mono text-xs">{history.family}@latest</code> names none.
            </>
          )}
        </p>
      </div>
      <section aria-labelledby="versions-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <h2 id="versions-title" className="sr-only">
          Versions
        </h2>
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
            <tr>
              {COLUMNS.map(([label, className]) => (
                <th key={label} scope="col" className={className}>
                  {label === "Actions" ? <span className="sr-only">Actions</span> : label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const { image } = row;
              return (
                <tr key={image.id} className="border-t border-slate-100" data-image-id={image.id}>
                  <td className="whitespace-nowrap py-2.5 pl-4 pr-3 font-mono text-slate-900">
                    {image.version}
                    {image.id === history.latestId ? (
                      <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 font-sans text-xs font-medium text-brand-700">latest</span>
                    ) : null}
                  </td>
                  <td className="max-w-80 truncate px-3 py-2.5">
                    <Link href={`/images/${image.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                      {image.name}
                    </Link>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2.5">
                    <StatusBadge status={image.status} />
                  </td>
                  <td className="px-3 py-2.5 text-slate-600">
                    {image.deprecation.replacement ? (
                      <Link href={`/images/${encodeURIComponent(image.deprecation.replacement)}`} className="font-mono text-xs text-brand-700 hover:underline">
                        {image.deprecation.replacement}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2.5 text-right tabular-nums text-slate-600">{humanBytes(image.fileSize)}</td>
                  <td className="whitespace-nowrap px-3 py-2.5 text-slate-600">
                    <time dateTime={image.createdAt}>{image.createdAt.replace("T", " ").slice(0, 16)} UTC</time>
                  </td>
                  <td className="py-2.5 pr-3 text-right">
                    <ImageActionsMenu row={row} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
