"use client";

import Link from "next/link";
import { FamilyLine } from "./family-line";
import { humanBytes, humanMemory, osLabel, relativeTime } from "./format";
import { useImageActions } from "./image-actions";
import { RowContextMenu, RowDropdownMenu } from "./image-menu";
import { useLiveImage, useUploadProgress } from "../uploads/uploads-context";
import { StatusBadge } from "./status-badge";
import type { RowModel } from "./types";

/** One catalog row: right-click or "⋯" opens the actions the server allows on it. */
export function ImageRow({ row, showOwner = false }: { row: RowModel; showOwner?: boolean }) {
  const { image } = row;
  const { groups, onCommand, dialogs } = useImageActions(row);
  // An image in flux shows how far it got: from this tab's upload when it sends it, else from the server.
  const sent = useUploadProgress(image.id);
  const live = useLiveImage(image);
  const href = `/images/${image.id}`;
  return (
    <>
      <RowContextMenu groups={groups} onCommand={onCommand} label={image.name}>
        <tr className="group border-t border-slate-100 hover:bg-slate-50 data-[state=open]:bg-brand-50" data-image-id={image.id}>
          <td className="max-w-80 py-2.5 pl-4 pr-3">
            <Link href={href} className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline" title={image.name}>
              {image.name}
            </Link>
            <FamilyLine image={image} />
            {image.deprecation.replacement && image.deprecation.state !== "active" ? (
              <span className="block truncate text-xs text-amber-800">use {image.deprecation.replacement} instead</span>
            ) : null}
            {image.sharedWithYou ? (
              <span className="block truncate text-xs text-slate-500">
                shared by {image.sharedWithYou.by?.name ?? "a deleted user"}
                {image.project ? ` from ${image.project.name}` : ""}
              </span>
            ) : showOwner && image.project ? (
              <span className="block truncate text-xs text-slate-500">{image.project.name}</span>
            ) : null}
          </td>
          <td className="whitespace-nowrap px-3 py-2.5 text-slate-600">{osLabel(image)}</td>
          <td className="whitespace-nowrap px-3 py-2.5 font-mono text-xs uppercase text-slate-600">{image.diskFormat ?? "—"}</td>
          <td className="whitespace-nowrap px-3 py-2.5 text-right tabular-nums text-slate-600">{humanBytes(image.fileSize)}</td>
          <td className="whitespace-nowrap px-3 py-2.5 text-right tabular-nums text-slate-600">{humanMemory(image.minMemoryMiB)}</td>
          <td className="whitespace-nowrap px-3 py-2.5">
            <StatusBadge status={live.status} progress={live.status === "uploading" ? (sent ?? live.uploadProgress ?? undefined) : live.validationProgress} />
          </td>
          <td className="whitespace-nowrap px-3 py-2.5 text-slate-500" title={image.updatedAt} suppressHydrationWarning>
            {relativeTime(image.updatedAt)}
          </td>
          <td className="w-10 py-2.5 pr-3 text-right">
            <RowDropdownMenu groups={groups} onCommand={onCommand} label={image.name} />
          </td>
        </tr>
      </RowContextMenu>
      {dialogs}
    </>
  );
}
