"use client";

import { UserMinus, UserPlus } from "lucide-react";
import { useState } from "react";
import { addMemberAction, removeMemberAction, setMemberRoleAction } from "@/app/(portal)/projects/actions";
import { ConfirmDialog } from "@/components/catalog/confirm-dialog";
import { useAction } from "@/components/catalog/use-action";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { aRole, PROJECT_ROLES, type ProjectRole } from "@/lib/catalog/actions";
import type { Member } from "@/lib/projects/members";

const ROLE_HELP: Record<ProjectRole, string> = {
  viewer: "see and download its images",
  member: "also upload, edit and delete them",
  owner: "also manage members and sharing",
};

/**
 * A project's members with their roles. Owners (and administrators) add a member by email, change a
 * role and remove one; the domain refuses what would leave the project without an owner, and its
 * message is shown where the change was asked for. Everyone else sees the list.
 */
export function MembersPanel({ projectId, projectName, members, manage }: { projectId: string; projectName: string; members: Member[]; manage: boolean }) {
  const [removing, setRemoving] = useState<Member | null>(null);
  const roleChange = useAction();
  return (
    <section aria-labelledby="members-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="members-title" className="text-base font-semibold text-slate-900">
        Members <span className="font-normal text-slate-500">({members.length})</span>
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Viewers {ROLE_HELP.viewer}; members {ROLE_HELP.member}; owners {ROLE_HELP.owner}.
        {manage ? "" : " Only owners of the project and administrators change who is in it."}
      </p>
      {roleChange.error ? (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {roleChange.error.message}
        </p>
      ) : null}
      <table className="mt-4 w-full text-left text-sm">
        <caption className="sr-only">Members of {projectName}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Person
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Role
            </th>
            {manage ? (
              <th scope="col" className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {members.map((member) => (
            <tr key={member.user.id}>
              <td className="py-2 pr-3">
                <span className="block font-medium text-slate-900">{member.user.name}</span>
                <span className="block text-xs text-slate-500">
                  {member.user.email}
                  {member.source === "sso" ? " · from a single sign-on group" : ""}
                </span>
              </td>
              <td className="py-2 pr-3">
                {manage ? (
                  <Select
                    aria-label={`Role of ${member.user.name}`}
                    value={member.role}
                    disabled={roleChange.pending}
                    className="w-32"
                    onChange={(event) => {
                      const role = PROJECT_ROLES.find((option) => option === event.target.value) ?? member.role;
                      roleChange.run(() => setMemberRoleAction(projectId, member.user.id, role), { success: `${member.user.name} is now ${aRole(role)}.` });
                    }}
                  >
                    {PROJECT_ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </Select>
                ) : (
                  <span className="capitalize text-slate-700">{member.role}</span>
                )}
              </td>
              {manage ? (
                <td className="py-2 text-right">
                  <Button variant="ghost" className="px-2 py-1" aria-label={`Remove ${member.user.name}`} onClick={() => setRemoving(member)}>
                    <UserMinus className="size-4" /> Remove
                  </Button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {manage ? <AddMemberForm projectId={projectId} /> : null}
      {removing ? (
        <ConfirmDialog
          open
          onOpenChange={(open) => {
            if (!open) setRemoving(null);
          }}
          title={`Remove ${removing.user.name}?`}
          description={`${removing.user.name} (${removing.user.email}) stops seeing the images of ${projectName} at their next request.`}
          confirmLabel="Remove member"
          success={`${removing.user.name} was removed.`}
          danger
          action={() => removeMemberAction(projectId, removing.user.id)}
        />
      ) : null}
    </section>
  );
}

function AddMemberForm({ projectId }: { projectId: string }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("member");
  const { run, pending, error } = useAction();
  return (
    <form
      className="mt-5 grid gap-3 border-t border-slate-100 pt-4 sm:grid-cols-[1fr_10rem_auto] sm:items-end"
      aria-label="Add a member"
      onSubmit={(event) => {
        event.preventDefault();
        run(() => addMemberAction(projectId, { email, role }), { success: `${email} was added as ${aRole(role)}.`, onDone: () => setEmail("") });
      }}
    >
      <Field label="Email of the person to add" htmlFor="member-email" error={error?.fields.email}>
        <TextInput
          id="member-email"
          type="email"
          required
          value={email}
          invalid={Boolean(error?.fields.email)}
          onChange={(event) => setEmail(event.target.value)}
        />
      </Field>
      <Field label="Role" htmlFor="member-role" error={error?.fields.role}>
        <Select id="member-role" value={role} onChange={(event) => setRole(PROJECT_ROLES.find((option) => option === event.target.value) ?? "member")}>
          {PROJECT_ROLES.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" disabled={pending}>
        <UserPlus className="size-4" /> {pending ? "Adding…" : "Add member"}
      </Button>
      {error && !error.fields.email && !error.fields.role ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 sm:col-span-3">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
