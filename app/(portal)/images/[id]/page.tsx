import { ChevronLeft, Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { humanBytes, humanMemory, osLabel } from "@/components/catalog/format";
import { DeprecationNotice, FamilyLine } from "@/components/catalog/family-line";
import { ImageActionsMenu } from "@/components/catalog/image-actions";
import { toRows } from "@/components/catalog/rows";
import { LiveStatusBadge, LiveValidationReport } from "@/components/catalog/live-image";
import { buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { requireActor } from "@/app/(portal)/request-session";
import { getImage } from "@/lib/catalog/queries";
import { EXPORT_CHOICES, exportName, exportQuery } from "@/lib/convert/targets";
import { catalogDeps } from "@/lib/catalog/runtime";
import { safeDecode } from "@/lib/http/segment";

export const metadata: Metadata = { title: "Image" };

function Property({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-2.5 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900 sm:col-span-2 sm:mt-0">{children}</dd>
    </div>
  );
}

/** A checksum in full, with a button that copies it; "—" when there is none yet. */
function Hash({ value, label }: { value: string | null; label: string }) {
  if (!value) return "—";
  return (
    <span className="flex items-start gap-2">
      <code className="min-w-0 break-all font-mono text-xs text-slate-700">{value}</code>
      <CopyButton text={value} label={label} />
    </span>
  );
}

const exact = (bytes: number | null) => (bytes === null ? "" : ` (${bytes.toLocaleString("en-US")} bytes)`);

export default async function ImagePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  // A family reference comes as Next leaves it in the segment: "debian-12-golden%40latest".
  const result = await getImage(catalogDeps(), actor, safeDecode(id));
  if (!result.ok) notFound();
  const image = result.value;
  const [row] = toRows([image]);
  const custom = Object.entries(image.properties);
  const shown = { id: image.id, status: image.status, validationProgress: image.validationProgress };

  return (
    <div className="space-y-6">
      <Link href="/images" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
        <ChevronLeft className="size-4" /> Images
      </Link>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-slate-900">{image.name}</h1>
            <LiveStatusBadge image={shown} />
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
              {image.visibility === "platform" ? "Platform image" : "Private image"}
            </span>
          </div>
          <FamilyLine image={image} />
          {image.description ? <p className="mt-1 max-w-3xl text-sm text-slate-600">{image.description}</p> : null}
        </div>
        <div className="flex flex-col items-end gap-1">
          <div className="flex items-center gap-2">
            {row.actions.includes("download") ? (
              <a href={`/images/${image.id}/download`} className={buttonClass("secondary")}>
                <Download className="size-4" /> Download
              </a>
            ) : null}
            <ImageActionsMenu row={row} />
          </div>
          {row.actions.includes("download") && (image.status === "ready" || image.status === "deprecated") ? (
            <p className="text-xs text-slate-500">
              Or converted to:{" "}
              {EXPORT_CHOICES.filter(({ request }) => request.compression || request.format !== image.diskFormat).map(({ request, label }, at) => (
                <span key={exportName(request)}>
                  {at === 0 ? "" : " · "}
                  <a href={`/images/${image.id}/download${exportQuery(request)}`} className="font-medium text-slate-700 underline hover:text-slate-900">
                    {label}
                  </a>
                </span>
              ))}
            </p>
          ) : null}
        </div>
      </div>

      <DeprecationNotice image={image} />

      <div className="grid gap-6 lg:grid-cols-5">
        <section className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm lg:col-span-2" aria-labelledby="properties-title">
          <h2 id="properties-title" className="text-base font-semibold text-slate-900">
            Properties
          </h2>
          <dl className="mt-2 divide-y divide-slate-100">
            <Property label="Operating system">
              {osLabel(image)}
              {image.osType ? <span className="text-slate-500"> · {image.osType}</span> : null}
            </Property>
            <Property label="Architecture">{image.architecture ?? "—"}</Property>
            <Property label="Firmware">{image.firmware ?? "—"}</Property>
            <Property label="Minimum memory">{humanMemory(image.minMemoryMiB)}</Property>
            <Property label="Minimum disk">{image.minDiskGiB === null ? "—" : `${image.minDiskGiB} GiB`}</Property>
            <Property label="Disk format">
              <span className="font-mono text-xs uppercase">{image.diskFormat ?? "—"}</span>
            </Property>
            <Property label="File size">
              {humanBytes(image.fileSize)}
              <span className="text-slate-500">{exact(image.fileSize)}</span>
            </Property>
            <Property label="Virtual size">
              {humanBytes(image.virtualSize)}
              <span className="text-slate-500">{exact(image.virtualSize)}</span>
            </Property>
            <Property label="SHA-256">
              <Hash value={image.sha256} label="Copy checksum" />
            </Property>
            <Property label="Disk digest">
              <Hash value={image.diskDigest} label="Copy disk digest" />
              <span className="mt-1 block text-xs text-slate-500">The same for every format of this disk: a conversion or an export keeps it.</span>
            </Property>
            {image.convertedFrom ? (
              <Property label="Converted from">
                <span className="font-mono text-xs uppercase">{image.convertedFrom.format}</span>
                {image.convertedFrom.subformat ? ` (${image.convertedFrom.subformat})` : ""}, {humanBytes(image.convertedFrom.fileSize)}
                {image.convertedFrom.sha256 ? <Hash value={image.convertedFrom.sha256} label="Copy the original's checksum" /> : null}
              </Property>
            ) : null}
            {image.project ? <Property label="Project">{image.project.name}</Property> : null}
            {image.sharedWithYou ? (
              <Property label="Shared with you by">
                {image.sharedWithYou.by ? `${image.sharedWithYou.by.name} (${image.sharedWithYou.by.email})` : "a deleted user"}
              </Property>
            ) : null}
            <Property label="Created by">
              {image.createdBy ? (
                <>
                  {image.createdBy.name} <span className="text-slate-500">({image.createdBy.email})</span>
                </>
              ) : (
                "a deleted user"
              )}
            </Property>
            <Property label="Created">
              <time dateTime={image.createdAt}>{image.createdAt.replace("T", " ").slice(0, 16)} UTC</time>
            </Property>
            <Property label="Updated">
              <time dateTime={image.updatedAt}>{image.updatedAt.replace("T", " ").slice(0, 16)} UTC</time>
            </Property>
            <Property label="Image id">
              <code className="font-mono text-xs text-slate-700">{image.id}</code>
            </Property>
          </dl>
          <h3 className="mt-5 text-sm font-semibold text-slate-900">Custom properties</h3>
          {custom.length ? (
            <dl className="mt-1 divide-y divide-slate-100">
              {custom.map(([key, value]) => (
                <Property key={key} label={key}>
                  <span className="font-mono text-xs">{value}</span>
                </Property>
              ))}
            </dl>
          ) : (
            <p className="mt-1 text-sm text-slate-500">None.</p>
          )}
        </section>

        <section className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm lg:col-span-3" aria-labelledby="report-title">
          <h2 id="report-title" className="text-base font-semibold text-slate-900">
            Validation report
          </h2>
          <p className="mb-4 text-sm text-slate-500">Format and safety, KVM readiness, cloud-init and generalization, checked when the image was uploaded.</p>
          <LiveValidationReport image={shown} report={image.report} />
        </section>
      </div>
    </div>
  );
}
