"use client";

import { CloudUpload } from "lucide-react";
import { type DragEvent, type ReactNode, useRef, useState } from "react";
import type { Visibility } from "@/lib/catalog/image";
import { useUploads } from "./upload-provider";

const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");

/** Files dropped anywhere on its children go to the upload dialog, for `label`'s list. */
export function UploadDropZone({ visibility, label, children }: { visibility: Visibility; label: string; children: ReactNode }) {
  const { offer } = useUploads();
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when the pointer really left.
  const depth = useRef(0);
  return (
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
        offer(Array.from(event.dataTransfer.files), visibility);
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
