/** What these read of an image (lib/cli/client.ts's Image has it; declared here so that the client can import this). */
interface Retirable {
  id: string;
  name: string;
  status: string;
  deprecation: { state: "active" | "deprecated" | "obsolete" | "deleted"; replacement: string | null };
}

/** The state and what to use instead, for a table cell: "deprecated -> debian-12-golden@latest". */
export function stateText(image: Pick<Retirable, "status" | "deprecation">): string {
  const { state, replacement } = image.deprecation;
  if (state === "active") return image.status;
  return replacement ? `${state} -> ${replacement}` : state;
}

/** A warning for stderr when a command acts on a deprecated, obsolete or deleted image; null for an active one. */
export function deprecationNotice(image: Retirable): string | null {
  const { state, replacement } = image.deprecation;
  if (state === "active") return null;
  const instead = replacement ? ` Use ${replacement} instead.` : "";
  return `hangar: warning: "${image.name}" (${image.id}) is ${state}.${instead}`;
}
