"use client";

import type { ImageStatus } from "@/lib/catalog/image";
import { useLiveImage } from "../uploads/uploads-context";
import { StatusBadge } from "./status-badge";
import { ValidationReport } from "./validation-report";

interface Shown {
  id: string;
  status: ImageStatus;
  validationProgress: number;
}

/** The image page's status badge, kept current while the image uploads or validates. */
export function LiveStatusBadge({ image }: { image: Shown }) {
  const live = useLiveImage(image);
  return <StatusBadge status={live.status} progress={live.status === "uploading" ? (live.uploadProgress ?? undefined) : live.validationProgress} />;
}

/** The validation report, with the validation's progress kept current until the report is there. */
export function LiveValidationReport({ image, report }: { image: Shown; report: unknown }) {
  const live = useLiveImage(image);
  return <ValidationReport report={report} status={live.status} progress={live.validationProgress} />;
}
