"use client";

import { useState } from "react";
import { updateUserAction } from "@/app/(portal)/admin/users/actions";
import type { AccountSummary } from "@/lib/accounts/list";
import { useAction } from "../../catalog/use-action";
import { Dialog } from "../../ui/dialog";
import { Field, Select, TextInput } from "../../ui/field";
import { DialogActions } from "../../ui/dialog-actions";

/** Name, role and quota of an account, changed together or not at all. */
export function EditUserDialog({
  user,
  self,
  defaultQuota,
  open,
  onOpenChange,
}: {
  user: AccountSummary;
  self: boolean;
  defaultQuota: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const initial = { name: user.name, role: user.role as string, quotaBytes: user.quotaBytes === null ? "" : String(user.quotaBytes) };
  const [form, setForm] = useState(initial);
  const { run, pending, error, reset } = useAction();
  const close = (next: boolean) => {
    if (!next) {
      reset();
      setForm(initial);
    }
    onOpenChange(next);
  };
  const fields = error?.fields ?? {};
  return (
    <Dialog open={open} onOpenChange={close} title="Edit user" description={`Change the name, role or quota of ${user.email}.`}>
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          run(() => updateUserAction(user.id, { name: form.name, ...(self ? {} : { role: form.role }), quotaBytes: form.quotaBytes.trim() || null }), {
            success: `Saved ${user.email}`,
            onDone: () => onOpenChange(false),
          });
        }}
      >
        {error && Object.keys(fields).length === 0 ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error.message}
          </p>
        ) : null}
        <Field label="Name" htmlFor="edit-user-name" error={fields.name}>
          <TextInput
            id="edit-user-name"
            required
            value={form.name}
            invalid={Boolean(fields.name)}
            onChange={(event) => setForm({ ...form, name: event.target.value })}
          />
        </Field>
        <Field label="Role" htmlFor="edit-user-role" error={fields.role} hint={self ? "Another administrator can change your role." : undefined}>
          <Select id="edit-user-role" value={form.role} disabled={self} onChange={(event) => setForm({ ...form, role: event.target.value })}>
            <option value="user">User</option>
            <option value="admin">Administrator</option>
          </Select>
        </Field>
        <Field label="Quota" htmlFor="edit-user-quota" error={fields.quotaBytes} hint={`Empty for the default (${defaultQuota}); e.g. 500GiB.`}>
          <TextInput
            id="edit-user-quota"
            value={form.quotaBytes}
            placeholder={defaultQuota}
            invalid={Boolean(fields.quotaBytes)}
            onChange={(event) => setForm({ ...form, quotaBytes: event.target.value })}
          />
        </Field>
        <DialogActions onCancel={() => close(false)} label="Save" pendingLabel="Saving…" pending={pending} />
      </form>
    </Dialog>
  );
}
