"use client";

import { Upload } from "lucide-react";
import { useRef } from "react";
import type { Visibility } from "@/lib/catalog/image";
import { Button } from "../ui/button";
import { useUploads } from "./uploads-context";

/** *Upload image*: opens the file picker for My images (or, for admins, the platform catalog); the files go to the upload dialog. */
export function UploadButton({ visibility, variant = "primary" }: { visibility: Visibility; variant?: "primary" | "secondary" }) {
  const { intake, limits } = useUploads();
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        aria-label={`Disk images to upload to ${visibility === "platform" ? "Platform images" : "My images"}`}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = "";
          intake.offer(files, visibility, limits);
        }}
      />
      <Button variant={variant} onClick={() => picker.current?.click()}>
        <Upload className="size-4" /> Upload image
      </Button>
    </>
  );
}
