import type { Image } from "./client";

/** The state and what to use instead, for a table cell: "deprecated -> debian-12-golden@latest". */
export function stateText(image: Pick<Image, "status" | "deprecation">): string {
  const { state, replacement } = image.deprecation;
  if (state === "active") return image.status;
  return replacement ? `${state} -> ${replacement}` : state;
}

/** A warning for stderr when a command acts on a deprecated, obsolete or deleted image; null for an active one. */
export function deprecationNotice(image: Pick<Image, "name" | "id" | "deprecation">): string | null {
  const { state, replacement } = image.deprecation;
  if (state === "active") return null;
  const instead = replacement ? ` Use ${replacement} instead.` : "";
  return `hangar: warning: "${image.name}" (${image.id}) is ${state}.${instead}`;
}
