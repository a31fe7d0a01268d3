"use client";

import { FolderPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { createProjectAction } from "@/app/(portal)/projects/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, TextInput } from "@/components/ui/field";
import { DialogActions } from "../ui/dialog-actions";

/**
 * *New project* (administrators and project creators): a team project with a name and, for administrators
 * (`withQuota`), optionally its own quota; the new project's page opens.
 */
export function NewProjectButton({ withQuota }: { withQuota: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [quota, setQuota] = useState("");
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [pending, startTransition] = useTransition();
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) setError(null);
  };
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <FolderPlus className="size-4" /> New project
      </Button>
      <Dialog open={open} onOpenChange={close} title="New team project" description="You become its first owner; add members on its page.">
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            setError(null);
            startTransition(async () => {
              const result = await createProjectAction({ name, ...(quota.trim() ? { quotaBytes: quota } : {}) });
              if (!result.ok) {
                setError({ message: result.message, fields: result.fields ?? {} });
                return;
              }
              toast.success(`The project ${name.trim()} was created.`);
              setOpen(false);
              setName("");
              setQuota("");
              router.push(`/projects/${result.id}`);
            });
          }}
        >
          <Field label="Name" htmlFor="new-project-name" error={error?.fields.name}>
            <TextInput id="new-project-name" required value={name} invalid={Boolean(error?.fields.name)} onChange={(event) => setName(event.target.value)} />
          </Field>
          {withQuota ? (
            <Field
              label="Quota (optional)"
              htmlFor="new-project-quota"
              error={error?.fields.quotaBytes}
              hint="A size such as 50 GiB; empty: the default quota."
            >
              <TextInput id="new-project-quota" value={quota} invalid={Boolean(error?.fields.quotaBytes)} onChange={(event) => setQuota(event.target.value)} />
            </Field>
          ) : null}
          {error && !error.fields.name && !error.fields.quotaBytes ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {error.message}
            </p>
          ) : null}
          <DialogActions onCancel={() => close(false)} label="Create project" pendingLabel="Creating…" pending={pending} />
        </form>
      </Dialog>
    </>
  );
}
