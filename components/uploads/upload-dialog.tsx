"use client";

import { CircleCheck, CircleX, FileBox, LoaderCircle, RotateCcw, X } from "lucide-react";
import { useState } from "react";
import { familyDefaultsAction } from "@/app/(portal)/images/actions";
import { type Draft, refused, startable } from "@/lib/uploads/client/intake";
import type { Precheck } from "@/lib/uploads/client/precheck";
import { humanBytes } from "@/lib/units";
import { FixCommand } from "../catalog/fix-command";
import { EMPTY_PROPERTY_FORM, PropertyFields } from "../catalog/property-fields";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, TextInput } from "../ui/field";
import { useIntake, useUploads } from "./uploads-context";
import { DialogActions } from "../ui/dialog-actions";

/** A value the draft may not have yet ("" then). */
const field = (draft: Draft, key: string): string => (draft.properties as Partial<Record<string, string>>)[key] ?? "";

function PrecheckResult({ precheck }: { precheck: Precheck | null }) {
  if (precheck === null)
    return (
      <p className="flex items-center gap-1.5 text-xs text-slate-500">
        <LoaderCircle className="size-3.5 animate-spin" /> Checking the format…
      </p>
    );
  switch (precheck.state) {
    case "accepted":
      return (
        <p className="flex items-center gap-1.5 text-xs text-emerald-700">
          <CircleCheck className="size-3.5" /> <span className="font-mono uppercase">{precheck.format}</span>
          {precheck.virtualSize !== null ? <span>· {humanBytes(precheck.virtualSize)} disk</span> : null}
        </p>
      );
    case "converted":
      return (
        <p className="flex flex-wrap items-center gap-1.5 text-xs text-emerald-700">
          <CircleCheck className="size-3.5" /> <span className="font-mono">{precheck.container}</span>
          {precheck.virtualSize !== null ? <span>· {humanBytes(precheck.virtualSize)} disk</span> : null}
          <span className="text-slate-600">· Hangar converts it on the server, then checks it</span>
        </p>
      );
    case "rejected":
      return (
        <div role="alert" className="space-y-2 rounded-md bg-red-50 p-3 text-sm text-red-800">
          {precheck.checks.map((check) => (
            <div key={check.id} data-check={check.id}>
              <p className="flex gap-1.5">
                <CircleX className="mt-0.5 size-4 shrink-0" />
                {check.message}
              </p>
              {check.fix ? <FixCommand command={check.fix} wrap className="mt-1.5 pl-5" /> : null}
            </div>
          ))}
          <p className="pl-5 text-xs text-red-700">Nothing was sent. Fix the file and pick it again.</p>
        </div>
      );
  }
}

/**
 * Names and properties for the files a user picked or dropped, each checked first (format from its
 * first bytes, size, quota, an unfinished upload it continues: lib/uploads/client/plan.ts) so that a
 * wrong file is refused before a byte is sent. Mounted once by the portal layout; the UploadIntake
 * holds what it shows.
 */
export function UploadDialog() {
  const { intake } = useUploads();
  const state = useIntake();
  // Per file: the version whose properties it started from, to say so.
  const [startedFrom, setStartedFrom] = useState<Record<string, string>>({});
  if (!state) return null;
  /** A new version of a family starts from the previous version's properties: those still empty are filled in. */
  const prefill = async (draft: Draft) => {
    const family = field(draft, "family").trim();
    if (!family) return;
    const defaults = await familyDefaultsAction(family, state.visibility, state.project?.id ?? null);
    if (!defaults) return;
    const { previousVersion, ...values } = defaults;
    // What the user typed while the defaults were on their way (the version, say) stays: read the draft as it is now.
    const current = intake.getSnapshot()?.drafts.find((one) => one.key === draft.key);
    if (!current) return;
    const filled = Object.fromEntries(Object.entries(values).filter(([key, value]) => value !== "" && !field(current, key)));
    intake.edit(draft.key, { properties: { ...current.properties, ...filled } });
    setStartedFrom((current) => ({ ...current, [draft.key]: previousVersion }));
  };
  const { drafts, visibility, project, limits, starting } = state;
  const ready = drafts.filter(startable);
  const target = visibility === "platform" ? "Platform images" : project ? `the project ${project.name}` : "My images";
  const onClose = () => intake.close();
  const visible = drafts.filter((draft) => !draft.started);
  return (
    <Dialog
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={visible.length > 1 ? `Upload ${visible.length} images` : "Upload an image"}
      description={
        <>
          To <strong className="text-slate-900">{target}</strong>. RAW, QCOW2 or VMDK, up to {humanBytes(limits.maxImageSize)} each. Hangar checks every image
          when its last byte arrives.
        </>
      }
      wide
    >
      <ul className="space-y-4" aria-label="Files to upload">
        {visible.map((draft) => (
          <li key={draft.key} className="rounded-lg border border-slate-200 p-4" aria-label={draft.file.name}>
            <div className="flex items-start gap-3">
              <FileBox className="mt-0.5 size-5 shrink-0 text-slate-400" />
              <div className="min-w-0 flex-1 space-y-1">
                <p className="truncate text-sm font-medium text-slate-900" title={draft.file.name}>
                  {draft.file.name} <span className="font-normal text-slate-500">· {humanBytes(draft.file.size)}</span>
                </p>
                <PrecheckResult precheck={draft.plan?.precheck ?? null} />
              </div>
              {visible.length > 1 ? (
                <Button variant="ghost" className="px-2 py-1" aria-label={`Remove ${draft.file.name}`} onClick={() => intake.remove(draft.key)}>
                  <X className="size-4" />
                </Button>
              ) : null}
            </div>
            {draft.plan?.blocked ? (
              <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {draft.plan.blocked}
              </p>
            ) : null}
            {draft.error ? (
              <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {draft.error}
              </p>
            ) : null}
            {refused(draft) ? null : draft.plan?.resume ? (
              <Continues draft={draft} />
            ) : (
              <div className="mt-3 space-y-3 pl-8">
                <Field label="Name" htmlFor={`upload-${draft.key}-name`} error={draft.nameError ?? undefined}>
                  <TextInput
                    id={`upload-${draft.key}-name`}
                    value={draft.name}
                    invalid={Boolean(draft.nameError)}
                    onChange={(event) => intake.edit(draft.key, { name: event.target.value })}
                  />
                </Field>
                <div className="grid gap-3 sm:grid-cols-2">
                  <Field label="Family (optional)" htmlFor={`upload-${draft.key}-family-name`}>
                    <TextInput
                      id={`upload-${draft.key}-family-name`}
                      value={field(draft, "family")}
                      placeholder="debian-12-golden"
                      onChange={(event) => intake.edit(draft.key, { properties: { ...draft.properties, family: event.target.value } })}
                      onBlur={() => void prefill(draft)}
                    />
                  </Field>
                  <Field label="Version" htmlFor={`upload-${draft.key}-family-version`}>
                    <TextInput
                      id={`upload-${draft.key}-family-version`}
                      value={field(draft, "version")}
                      placeholder="2026.12.06"
                      onChange={(event) => intake.edit(draft.key, { properties: { ...draft.properties, version: event.target.value } })}
                    />
                  </Field>
                </div>
                {startedFrom[draft.key] ? (
                  <p className="text-xs text-slate-600">Properties start from version {startedFrom[draft.key]} of this family; change any below.</p>
                ) : null}
                <details className="group">
                  <summary className="cursor-pointer select-none text-sm font-medium text-brand-700 hover:text-brand-600">Properties (optional)</summary>
                  <div className="mt-3 space-y-4">
                    <PropertyFields
                      idPrefix={`upload-${draft.key}`}
                      form={{ ...EMPTY_PROPERTY_FORM, ...draft.properties }}
                      onChange={(form) => intake.edit(draft.key, { properties: form })}
                      descriptionRows={2}
                    />
                  </div>
                </details>
              </div>
            )}
          </li>
        ))}
      </ul>
      {limits.quota && visibility === "private" ? (
        <p className="mt-4 text-xs text-slate-500">
          {project ? `The project ${project.name} uses` : "Your images use"} {humanBytes(limits.quota.used)} of {project ? "its" : "your"}{" "}
          {humanBytes(limits.quota.limit)} quota.{" "}
          {project ? (
            <a href={`/projects/${project.id}`} className="font-medium text-brand-700 hover:text-brand-600">
              Its quota and who can raise it
            </a>
          ) : null}
        </p>
      ) : null}
      <DialogActions
        onCancel={onClose}
        label={ready.length > 1 ? `Upload ${ready.length} images` : "Upload"}
        pendingLabel="Starting…"
        pending={starting}
        disabled={ready.length === 0}
        onAction={() => void intake.start()}
        divided
        className="mt-5"
      />
    </Dialog>
  );
}

function Continues({ draft }: { draft: Draft }) {
  const resume = draft.plan?.resume;
  if (!resume) return null;
  return (
    <p className="mt-3 flex items-center gap-2 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-700">
      <RotateCcw className="size-4 shrink-0" />
      Continues your unfinished upload “{draft.name}” from {Math.floor((resume.offset / Math.max(1, resume.length)) * 100)}%.
    </p>
  );
}
