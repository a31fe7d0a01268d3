"use client";

import { Upload } from "lucide-react";
import { useRef } from "react";
import type { Visibility } from "@/lib/catalog/image";
import type { IntakeProject } from "@/lib/uploads/client/intake";
import type { UploadLimits } from "@/lib/uploads/limits";
import { Button } from "../ui/button";
import { useUploads } from "./uploads-context";

/**
 * *Upload image*: opens the file picker for My images (into `project`, the one the catalog's switcher
 * chose, with its `limits`) or, for admins, the platform catalog; the files go to the upload dialog.
 */
export function UploadButton({
  visibility,
  variant = "primary",
  project = null,
  limits: projectLimits,
}: {
  visibility: Visibility;
  variant?: "primary" | "secondary";
  project?: IntakeProject | null;
  limits?: UploadLimits;
}) {
  const uploads = useUploads();
  const limits = projectLimits ?? uploads.limits;
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        aria-label={`Disk images to upload to ${visibility === "platform" ? "Platform images" : (project?.name ?? "My images")}`}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = "";
          uploads.intake.offer(files, visibility, limits, project);
        }}
      />
      <Button variant={variant} onClick={() => picker.current?.click()}>
        <Upload className="size-4" /> Upload image
      </Button>
    </>
  );
}
