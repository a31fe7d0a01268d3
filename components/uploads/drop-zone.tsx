"use client";

import { CloudUpload } from "lucide-react";
import { type DragEvent, type ReactNode, useRef, useState } from "react";
import type { Visibility } from "@/lib/catalog/image";
import type { IntakeProject } from "@/lib/uploads/client/intake";
import type { UploadLimits } from "@/lib/uploads/limits";
import { useUploads } from "./uploads-context";

const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");

/** Files dropped anywhere on its children go to the upload dialog, for `label`'s list (into `project`, with its `limits`, for a private one). */
export function UploadDropZone({
  visibility,
  label,
  project = null,
  limits: projectLimits,
  children,
}: {
  visibility: Visibility;
  label: string;
  project?: IntakeProject | null;
  limits?: UploadLimits;
  children: ReactNode;
}) {
  const uploads = useUploads();
  const limits = projectLimits ?? uploads.limits;
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when the pointer really left.
  const depth = useRef(0);
  return (
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions -- a drop target for the pointer only; the keyboard's way to the same dialog is the Upload image button inside
    <div
      className="relative"
      data-drop-zone={visibility}
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current = 0;
        setOver(false);
        uploads.intake.offer(Array.from(event.dataTransfer.files), visibility, limits, project);
      }}
    >
      {children}
      {over ? (
        <div className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center rounded-xl border-2 border-dashed border-brand-500 bg-brand-50/85">
          <p className="flex items-center gap-2 text-base font-medium text-brand-700">
            <CloudUpload className="size-6" /> Drop disk images to upload them to {label}
          </p>
        </div>
      ) : null}
    </div>
  );
}
