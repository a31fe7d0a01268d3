"use client";

import { Upload } from "lucide-react";
import type { Visibility } from "@/lib/catalog/image";
import { Button } from "../ui/button";
import { useUploads } from "./upload-provider";

/** *Upload image*: opens the file picker for My images (or, for admins, the platform catalog). */
export function UploadButton({ visibility, variant = "primary" }: { visibility: Visibility; variant?: "primary" | "secondary" }) {
  const { pick } = useUploads();
  return (
    <Button variant={variant} onClick={() => pick(visibility)}>
      <Upload className="size-4" /> Upload image
    </Button>
  );
}
