"use client";

import { UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { createUserAction } from "@/app/(portal)/admin/users/actions";
import type { IssuedLink } from "@/lib/accounts/password-links";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { Field, Select, TextInput } from "../../ui/field";
import { OneTimeLink } from "./one-time-link";
import { DialogActions } from "../../ui/dialog-actions";

/** Adds an account and shows its invitation link once: no mail server is assumed, the administrator hands it over. */
export function InviteUserDialog({ defaultQuota }: { defaultQuota: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ email: "", name: "", role: "user", quotaBytes: "" });
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [created, setCreated] = useState<{ email: string; link: IssuedLink } | null>(null);
  const [pending, startTransition] = useTransition();
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [field]: event.target.value });
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setForm({ email: "", name: "", role: "user", quotaBytes: "" });
      setError(null);
      setCreated(null);
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <UserPlus className="size-4" /> Add user
      </Button>
      <Dialog
        open={open}
        onOpenChange={close}
        title={created ? "User added" : "Add user"}
        description={
          created
            ? `${created.email} can sign in once they have set a password with the link below.`
            : "The new user gets a one-time link to choose their password. Hangar sends no mail: you give them the link."
        }
        wide
      >
        {created ? (
          <div className="space-y-4">
            <OneTimeLink link={created.link} who={created.email} />
            <div className="flex justify-end">
              <Button onClick={() => close(false)}>Done</Button>
            </div>
          </div>
        ) : (
          <form
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault();
              setError(null);
              startTransition(async () => {
                const result = await createUserAction({ ...form, quotaBytes: form.quotaBytes.trim() || null });
                if (!result.ok) {
                  setError({ message: result.message, fields: result.fields ?? {} });
                  return;
                }
                setCreated({ email: form.email.trim().toLowerCase(), link: result.link });
                toast.success(`Added ${form.email.trim()}`);
                router.refresh();
              });
            }}
          >
            {error && Object.keys(error.fields).length === 0 ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {error.message}
              </p>
            ) : null}
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Email" htmlFor="invite-email" error={error?.fields.email}>
                <TextInput
                  id="invite-email"
                  type="email"
                  required
                  autoComplete="off"
                  value={form.email}
                  invalid={Boolean(error?.fields.email)}
                  onChange={set("email")}
                />
              </Field>
              <Field label="Name" htmlFor="invite-name" error={error?.fields.name}>
                <TextInput id="invite-name" required autoComplete="off" value={form.name} invalid={Boolean(error?.fields.name)} onChange={set("name")} />
              </Field>
              <Field label="Role" htmlFor="invite-role" error={error?.fields.role}>
                <Select id="invite-role" value={form.role} onChange={set("role")}>
                  <option value="user">User</option>
                  <option value="admin">Administrator</option>
                </Select>
              </Field>
              <Field label="Quota" htmlFor="invite-quota" error={error?.fields.quotaBytes} hint={`Empty for the default (${defaultQuota}); e.g. 500GiB.`}>
                <TextInput
                  id="invite-quota"
                  value={form.quotaBytes}
                  placeholder={defaultQuota}
                  invalid={Boolean(error?.fields.quotaBytes)}
                  onChange={set("quotaBytes")}
                />
              </Field>
            </div>
            <DialogActions onCancel={() => close(false)} label="Add user" pendingLabel="Adding…" pending={pending} />
          </form>
        )}
      </Dialog>
    </>
  );
}
