import { humanBytes } from "../units";
import type { FamilyHistory, Image } from "./client";
import { stateText } from "./deprecation-notice";
import { renderReport } from "./commands/inspect";

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Left-aligned columns separated by two spaces, like `docker ps`. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

const mib = (value: number | null) => (value === null ? "-" : humanBytes(value * 1024 * 1024));
const os = (image: Image) => [image.osDistro ?? image.osType, image.osVersion].filter(Boolean).join(" ") || "-";

export function imageTable(images: Image[]): string {
  return table(
    ["ID", "NAME", "VISIBILITY", "STATUS", "FORMAT", "SIZE", "MIN RAM", "OS", "UPDATED"],
    images.map((image) => [
      image.id,
      image.name,
      image.visibility,
      stateText(image),
      image.diskFormat ?? "-",
      humanBytes(image.fileSize),
      mib(image.minMemoryMiB),
      os(image),
      image.updatedAt.slice(0, 16).replace("T", " "),
    ]),
  );
}

/** `hangar versions`: newest first, the one FAMILY@latest names marked, each retired one with its replacement. */
export function versionsTable(history: FamilyHistory): string {
  return table(
    ["VERSION", "", "ID", "NAME", "STATUS", "SIZE", "CREATED"],
    history.versions.map((image) => [
      image.version ?? "-",
      image.id === history.latestId ? "latest" : "",
      image.id,
      image.name,
      stateText(image),
      humanBytes(image.fileSize),
      image.createdAt.slice(0, 16).replace("T", " "),
    ]),
  );
}

/** The stored validation report, as `hangar inspect` prints one. */
export function reportText(image: Image): string {
  if (image.report) return renderReport(image.name, image.report);
  return image.status === "validating" || image.status === "uploading" ? "Validation: not finished yet.\n" : "Validation: no report.\n";
}

export function imageDetails(image: Image): string {
  const sized = (bytes: number | null) => (bytes === null ? "-" : `${humanBytes(bytes)} (${bytes.toLocaleString("en-US")} bytes)`);
  const fields: [string, string][] = [
    ["id", image.id],
    ["name", image.name],
    ["description", image.description || "-"],
    ["visibility", image.visibility],
    ["status", image.status === "validating" ? `validating (${image.validationProgress}%)` : stateText(image)],
    ["family", image.family ? `${image.family} version ${image.version ?? "-"}` : "-"],
    ...(["deprecateOn", "obsoleteOn", "deleteOn"] as const)
      .filter((key) => image.deprecation[key])
      .map((key): [string, string] => [key.replace("On", " on"), image.deprecation[key] ?? ""]),
    ["project", image.project ? image.project.name : "- (platform)"],
    ...(image.sharedWithYou
      ? [["shared by", image.sharedWithYou.by ? `${image.sharedWithYou.by.name} <${image.sharedWithYou.by.email}>` : "a deleted user"] as [string, string]]
      : []),
    ["created by", image.createdBy ? `${image.createdBy.name} <${image.createdBy.email}>` : "a deleted user"],
    ["format", image.diskFormat ?? "-"],
    ["file size", sized(image.fileSize)],
    ["virtual size", sized(image.virtualSize)],
    ["sha256", image.sha256 ?? "-"],
    ["min-ram", mib(image.minMemoryMiB)],
    ["min-disk", image.minDiskGiB === null ? "-" : `${image.minDiskGiB} GiB`],
    ["os-type", image.osType ?? "-"],
    ["os-distro", image.osDistro ?? "-"],
    ["os-version", image.osVersion ?? "-"],
    ["architecture", image.architecture ?? "-"],
    ["firmware", image.firmware ?? "-"],
    ["created", image.createdAt],
    ["updated", image.updatedAt],
  ];
  const width = Math.max(...fields.map(([key]) => key.length));
  const lines = fields.map(([key, value]) => `${key.padEnd(width)}  ${value}`);
  const custom = Object.entries(image.properties);
  lines.push("", custom.length ? "properties:" : "properties: none");
  for (const [key, value] of custom) lines.push(`  ${key}=${value}`);
  return `${lines.join("\n")}\n\n${reportText(image)}`.trimEnd();
}
