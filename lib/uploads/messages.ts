import { humanBytes } from "../units";

// The refusals a person reads, shared by the server and the browser's check before the first byte.

export function tooLargeMessage(length: number, maxImageSize: number): string {
  return `This file is ${humanBytes(length)}; Hangar accepts images up to ${humanBytes(maxImageSize)}.`;
}

/** Over a project's quota: "your" quota for a personal project, the project's by name for a team's. */
export function overQuotaMessage(
  length: number,
  used: number,
  quota: number,
  project: { name: string; kind: string } = { name: "", kind: "personal" },
): string {
  const whose = project.kind === "personal" ? "your" : `the project "${project.name}"'s`;
  return `This image needs ${humanBytes(length)}, but only ${humanBytes(Math.max(0, quota - used))} of ${whose} ${humanBytes(quota)} quota is left (${humanBytes(used)} used). Delete images you no longer need, or ask an administrator for a larger quota.`;
}
