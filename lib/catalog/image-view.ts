import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import type { ImageDisk as ImageDiskRow, Image as ImageRow, Prisma, Project as ProjectRow } from "../db/generated/client";
import type { ProjectKind } from "./actions";
import { type ConvertedFrom, deprecationState, type Image, type ImageStatus, type Person, type Visibility } from "./image";
import { allowedActions } from "./policy";
import { imageSubject, type Memberships, membershipsOf, sharesToActor } from "./standing";

// An image row as one actor sees it: what it is read with, and what it becomes.

/** Who is looking: the actor and the projects they are a member of (lib/catalog/standing.ts). */
export interface Viewer {
  actor: Actor;
  memberships: Memberships;
}

/**
 * The viewer of an actor, or the viewer a caller already read for this request (the portal reads it once per page
 * render, app/(portal)/request-session.ts, where several reads each needed the memberships).
 */
export async function viewerOf(db: Pick<Db, "projectMember">, who: Actor | Viewer): Promise<Viewer> {
  return "memberships" in who ? who : { actor: who, memberships: await membershipsOf(db, who) };
}

/** The actor of an actor or a viewer. */
export const actorOf = (who: Actor | Viewer): Actor => ("memberships" in who ? who.actor : who);

const personSelect = { select: { id: true, name: true, email: true } } as const;

/** What an image row is read with: its project, its creator, its disk record, and the shares that reach the actor (with who made them). */
export function imageInclude({ actor, memberships }: Viewer) {
  return {
    project: { select: { id: true, name: true, kind: true } },
    createdBy: personSelect,
    disk: true,
    shares: {
      where: sharesToActor(actor, memberships),
      select: { projectId: true, userId: true, createdAt: true, createdBy: personSelect },
      orderBy: { createdAt: "asc" },
    },
  } satisfies Prisma.ImageInclude;
}

export type ImageRowFor = ImageRow & {
  project: Pick<ProjectRow, "id" | "name" | "kind"> | null;
  createdBy: Person | null;
  disk?: ImageDiskRow | null;
  shares: { projectId: string | null; userId: string | null; createdAt: Date; createdBy: Person | null }[];
};

const convertedFrom = (disk: ImageDiskRow | null | undefined): ConvertedFrom | null =>
  disk?.originalFormat
    ? {
        format: disk.originalFormat,
        subformat: disk.originalSubformat,
        fileSize: disk.originalSize === null ? null : Number(disk.originalSize),
        sha256: disk.originalSha256,
      }
    : null;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function parseProperties(text: string): Record<string, string> {
  const value = parseJson(text);
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** An image row as the viewer sees it: plain JSON-safe values, and the actions the policy allows the viewer. */
export function toImage({ actor, memberships }: Viewer, row: ImageRowFor): Image {
  const subject = imageSubject(actor, memberships, row);
  const share = row.shares.at(0);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    visibility: row.visibility as Visibility,
    project: row.project ? { id: row.project.id, name: row.project.name, kind: row.project.kind as ProjectKind } : null,
    createdBy: row.createdBy,
    // Members see their project's images as theirs, even when one is also shared with them.
    sharedWithYou: subject.role === null && share ? { by: share.createdBy, at: share.createdAt.toISOString() } : null,
    actions: allowedActions(actor, subject),
    status: row.status as ImageStatus,
    diskFormat: row.diskFormat,
    fileSize: Number(row.fileSize),
    virtualSize: row.virtualSize === null ? null : Number(row.virtualSize),
    sha256: row.sha256,
    minMemoryMiB: row.minMemoryMiB,
    minDiskGiB: row.minDiskGiB,
    osType: row.osType,
    osDistro: row.osDistro,
    osVersion: row.osVersion,
    architecture: row.architecture,
    firmware: row.firmware,
    properties: parseProperties(row.properties),
    report: parseJson(row.report),
    validationProgress: row.validationProgress,
    family: row.family,
    version: row.version,
    deprecation: {
      state: deprecationState(row.status as ImageStatus),
      replacement: row.replacement,
      deprecateOn: row.deprecateOn?.toISOString() ?? null,
      obsoleteOn: row.obsoleteOn?.toISOString() ?? null,
      deleteOn: row.deleteOn?.toISOString() ?? null,
    },
    diskDigest: row.disk?.digest ?? null,
    convertedFrom: convertedFrom(row.disk),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
