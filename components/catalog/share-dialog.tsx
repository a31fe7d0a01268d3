"use client";

import { FolderKanban, LoaderCircle, User } from "lucide-react";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, useTransition } from "react";
import { toast } from "sonner";
import { imageSharesAction, shareAction, shareTargetsAction, unshareAction } from "@/app/(portal)/images/actions";
import { SHARE_STATUS_RULES } from "@/lib/projects/share-status";
import type { Share } from "@/lib/projects/shares";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Select, TextInput } from "../ui/field";
import type { ImageSummary } from "./types";
import { DialogActions } from "../ui/dialog-actions";

type Kind = "project" | "user";

const recipientLabel = (share: Share) => (share.project ? share.project.name : share.user ? `${share.user.name} (${share.user.email})` : "—");

/**
 * *Share…*: who an image is shared with (each share revocable) and, for owners of its project, a
 * form to share it with a team project or a person. Members who may not share see the list only.
 */
export function ShareDialog({
  image,
  manage,
  open,
  onOpenChange,
}: {
  image: Pick<ImageSummary, "id" | "name" | "project">;
  manage: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const router = useRouter();
  const [shares, setShares] = useState<Share[] | null>(null);
  const [targets, setTargets] = useState<{ id: string; name: string }[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>("project");
  const [project, setProject] = useState("");
  const [email, setEmail] = useState("");
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [pending, startTransition] = useTransition();

  const load = useCallback(
    () =>
      imageSharesAction(image.id).then((result) => {
        if (result.ok) {
          setShares(result.shares);
          setLoadError(null);
        } else setLoadError(result.message);
      }),
    [image.id],
  );

  useEffect(() => {
    if (!open) return;
    void load();
    if (manage) void shareTargetsAction().then((all) => setTargets(all.filter((target) => target.id !== image.project?.id)));
  }, [open, manage, load, image.project?.id]);

  const close = (next: boolean) => {
    if (!next) {
      setError(null);
      setEmail("");
      setProject("");
    }
    onOpenChange(next);
  };

  function share() {
    setError(null);
    startTransition(async () => {
      const target = kind === "project" ? { project } : { user: email };
      const result = await shareAction(image.id, target);
      if (!result.ok) {
        setError({ message: result.message, fields: result.fields ?? {} });
        return;
      }
      toast.success(`Shared “${image.name}” with ${kind === "project" ? (targets.find((each) => each.id === project)?.name ?? "the project") : email.trim()}`);
      setEmail("");
      setProject("");
      await load();
      router.refresh();
    });
  }

  function revoke(entry: Share) {
    startTransition(async () => {
      const result = await unshareAction(image.id, entry.id);
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      toast.success(`${recipientLabel(entry)} no longer sees “${image.name}”`);
      await load();
      router.refresh();
    });
  }

  const fieldError = error ? [error.fields[kind], error.fields.project, error.fields.user, error.message].find(Boolean) : undefined;
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={`Share “${image.name}”`}
      description="The projects and people you share an image with see it in their lists, download it and create instances from it. They cannot change it."
      wide
    >
      <section aria-labelledby={`shares-${image.id}`}>
        <h3 id={`shares-${image.id}`} className="text-sm font-semibold text-slate-900">
          Shared with
        </h3>
        {loadError ? (
          <p role="alert" className="mt-2 text-sm text-red-600">
            {loadError}
          </p>
        ) : shares === null ? (
          <p className="mt-2 flex items-center gap-2 text-sm text-slate-600">
            <LoaderCircle className="size-4 animate-spin" aria-hidden /> Loading…
          </p>
        ) : shares.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Nobody else yet: only the members of {image.project?.name ?? "its project"} see it.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200" aria-label={`Shares of ${image.name}`}>
            {shares.map((entry) => (
              <li key={entry.id} className="flex items-center gap-3 px-3 py-2">
                {entry.project ? (
                  <FolderKanban className="size-4 shrink-0 text-slate-500" aria-hidden />
                ) : (
                  <User className="size-4 shrink-0 text-slate-500" aria-hidden />
                )}
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-slate-900">{recipientLabel(entry)}</p>
                  <p className="text-xs text-slate-500">
                    {entry.project ? "Team project" : "Person"} · shared by {entry.createdBy?.name ?? "a deleted account"} on {entry.createdAt.slice(0, 10)}
                    {/* Shares made through Glance's member API wait for the recipient project's answer (docs/decisions.md, "Glance members"). */}
                    {SHARE_STATUS_RULES[entry.status].listed ? null : (
                      <span className="font-medium text-amber-800"> · {SHARE_STATUS_RULES[entry.status].label}</span>
                    )}
                  </p>
                </div>
                {manage ? (
                  <Button variant="ghost" className="text-red-700 hover:bg-red-50 hover:text-red-800" disabled={pending} onClick={() => revoke(entry)}>
                    Revoke<span className="sr-only"> the share with {recipientLabel(entry)}</span>
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      {manage ? (
        <form
          className="mt-6 space-y-4 border-t border-slate-200 pt-4"
          onSubmit={(event) => {
            event.preventDefault();
            share();
          }}
        >
          <fieldset>
            <legend className="text-sm font-semibold text-slate-900">Share with</legend>
            <div className="mt-2 flex gap-6">
              {(
                [
                  ["project", "A team project"],
                  ["user", "A person"],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex items-center gap-2 text-sm text-slate-700">
                  <input
                    type="radio"
                    name={`share-kind-${image.id}`}
                    value={value}
                    checked={kind === value}
                    onChange={() => {
                      setKind(value);
                      setError(null);
                    }}
                    className="size-4 accent-brand-600"
                  />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          {kind === "project" ? (
            <Field label="Project" htmlFor={`share-project-${image.id}`} error={fieldError}>
              <Select id={`share-project-${image.id}`} value={project} invalid={Boolean(fieldError)} onChange={(event) => setProject(event.target.value)}>
                <option value="">{targets.length ? "Choose a team project" : "No other team project exists"}</option>
                {targets.map((target) => (
                  <option key={target.id} value={target.id}>
                    {target.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : (
            <Field label="Email" htmlFor={`share-email-${image.id}`} error={fieldError} hint="The person's account email.">
              <TextInput
                id={`share-email-${image.id}`}
                type="email"
                autoComplete="off"
                value={email}
                invalid={Boolean(fieldError)}
                onChange={(event) => setEmail(event.target.value)}
              />
            </Field>
          )}
          <DialogActions
            onCancel={() => close(false)}
            cancelLabel="Done"
            label="Share"
            pendingLabel="Sharing…"
            pending={pending}
            disabled={kind === "project" ? project === "" : email.trim() === ""}
          />
        </form>
      ) : (
        <div className="mt-6 flex justify-end">
          <Button variant="secondary" onClick={() => close(false)}>
            Close
          </Button>
        </div>
      )}
    </Dialog>
  );
}
