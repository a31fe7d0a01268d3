"use client";

import { useState } from "react";
import { setQuotaAction } from "@/app/(portal)/projects/actions";
import { useAction } from "@/components/catalog/use-action";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";

/** An administrator sets a project's quota: a size ("50 GiB", "500G"), or empty for the configured default. */
export function QuotaForm({ projectId, current, defaultLabel }: { projectId: string; current: string; defaultLabel: string }) {
  const [quota, setQuota] = useState(current);
  const { run, pending, error } = useAction();
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-3"
      aria-label="Set the quota"
      onSubmit={(event) => {
        event.preventDefault();
        run(() => setQuotaAction(projectId, quota), { success: quota.trim() ? `The quota is now ${quota.trim()}.` : "The project takes the default quota." });
      }}
    >
      <div className="w-56">
        <Field
          label="Quota"
          htmlFor="project-quota"
          error={error?.fields.quotaBytes ?? error?.message}
          hint={`A size such as 50 GiB; empty: the default (${defaultLabel}).`}
        >
          <TextInput id="project-quota" value={quota} placeholder={defaultLabel} invalid={Boolean(error)} onChange={(event) => setQuota(event.target.value)} />
        </Field>
      </div>
      <Button type="submit" variant="secondary" disabled={pending} className="mb-5">
        {pending ? "Saving…" : "Set quota"}
      </Button>
    </form>
  );
}
