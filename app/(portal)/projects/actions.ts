"use server";

import { revalidatePath } from "next/cache";
import { currentActor } from "@/lib/auth/session";
import { addMember, removeMember, setMemberRole } from "@/lib/projects/members";
import { createProject, updateProject } from "@/lib/projects/projects";
import { projectDeps } from "@/lib/projects/runtime";
import type { DomainError, Result } from "@/lib/result";
import type { ActionResult } from "../images/actions";

export type CreatedResult = { ok: true; id: string } | { ok: false; message: string; fields?: Record<string, string> };

const failure = (error: DomainError) => ({ ok: false as const, message: error.message, fields: error.fields });

/**
 * The project page's mutations. Any client can call a server action with any JSON, whatever the
 * signatures say: the domain (lib/projects) parses every argument and asks the policy who may act.
 */
async function run(act: (actor: Awaited<ReturnType<typeof currentActor>>) => Promise<Result<unknown>>): Promise<ActionResult> {
  const result = await act(await currentActor());
  if (!result.ok) return failure(result.error);
  revalidatePath("/projects", "layout");
  revalidatePath("/images", "layout");
  return { ok: true };
}

/** A new team project (administrators and project creators), with its creator as owner; answers its id, for the page to go to. */
export async function createProjectAction(input: unknown): Promise<CreatedResult> {
  const result = await createProject(projectDeps(), await currentActor(), input);
  if (!result.ok) return failure(result.error);
  revalidatePath("/images", "layout");
  return { ok: true, id: result.value.id };
}

/** A project's quota (administrators): a size such as "50 GiB", or empty for the configured default. */
export async function setQuotaAction(projectId: unknown, quota: unknown): Promise<ActionResult> {
  return run((actor) => updateProject(projectDeps(), actor, projectId, { quotaBytes: quota }));
}

export async function addMemberAction(projectId: unknown, input: unknown): Promise<ActionResult> {
  return run((actor) => addMember(projectDeps(), actor, projectId, input));
}

export async function setMemberRoleAction(projectId: unknown, userId: unknown, role: unknown): Promise<ActionResult> {
  return run((actor) => setMemberRole(projectDeps(), actor, projectId, userId, { role }));
}

export async function removeMemberAction(projectId: unknown, userId: unknown): Promise<ActionResult> {
  return run((actor) => removeMember(projectDeps(), actor, projectId, userId));
}
