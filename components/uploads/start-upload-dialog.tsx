"use client";

import { CircleCheck, CircleX, FileBox, LoaderCircle, RotateCcw, X } from "lucide-react";
import { useEffect, useState } from "react";
import * as tus from "tus-js-client";
import type { Visibility } from "@/lib/catalog/image";
import { imageNameSchema } from "@/lib/catalog/schemas";
import { uploadMetadata } from "@/lib/uploads/client-options";
import { UPLOAD_PATH } from "@/lib/uploads/endpoint";
import { imageNameFromFileName } from "@/lib/uploads/file-name";
import type { UnfinishedUpload } from "@/lib/uploads/list";
import { overQuotaMessage, tooLargeMessage } from "@/lib/uploads/messages";
import { resumeRefusal, sampleFingerprint } from "@/lib/uploads/sample-fingerprint";
import { humanBytes } from "@/lib/units";
import { FixCommand } from "../catalog/fix-command";
import { EMPTY_PROPERTY_FORM, PropertyFields, type PropertyForm } from "../catalog/property-fields";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, TextInput } from "../ui/field";
import { type Precheck, precheckFile } from "./precheck";
import { useUploads } from "./upload-provider";

interface Draft {
  key: string;
  file: File;
  name: string;
  form: PropertyForm;
  precheck: Precheck;
  /** An unfinished upload of this file on the server: starting continues it. */
  resume: UnfinishedUpload | null;
  /** The file's sampleFingerprint, sent at creation so that resuming can recognise the file. */
  sample: string | null;
  /** Refused before sending: over the maximum size or the quota. */
  blocked: string | null;
  /** Refused by the server at creation (a name taken, say): fixable here. */
  error: string | null;
  nameError: string | null;
  started: boolean;
}

async function unfinishedUploads(): Promise<UnfinishedUpload[]> {
  try {
    const response = await fetch(UPLOAD_PATH, { headers: { accept: "application/json" } });
    return response.ok ? ((await response.json()) as UnfinishedUpload[]) : [];
  } catch {
    return [];
  }
}

/**
 * The server's unfinished upload of this file: the one tus-js-client remembers for it, else one of the
 * same name and size; either only when its sample matches the file's (tus-js-client remembers a file
 * by name, type, size and date, which another file can share), so a different file starts anew.
 */
async function unfinishedFor(file: File, sample: string | null, unfinished: UnfinishedUpload[]): Promise<UnfinishedUpload | null> {
  const remembered = await new tus.Upload(file, { endpoint: UPLOAD_PATH }).findPreviousUploads().catch(() => []);
  const candidates = [
    ...remembered.flatMap((previous) => unfinished.filter((upload) => previous.uploadUrl?.endsWith(upload.url))),
    ...unfinished.filter((upload) => upload.fileName === file.name),
  ];
  for (const upload of candidates) {
    if ((await resumeRefusal(file, upload, sample)) === null) return upload;
  }
  return null;
}

function PrecheckResult({ precheck }: { precheck: Precheck }) {
  switch (precheck.state) {
    case "checking":
      return (
        <p className="flex items-center gap-1.5 text-xs text-slate-500">
          <LoaderCircle className="size-3.5 animate-spin" /> Checking the format…
        </p>
      );
    case "accepted":
      return (
        <p className="flex items-center gap-1.5 text-xs text-emerald-700">
          <CircleCheck className="size-3.5" /> <span className="font-mono uppercase">{precheck.format}</span>
          {precheck.virtualSize !== null ? <span>· {humanBytes(precheck.virtualSize)} disk</span> : null}
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
 * Names and properties for the files a user picked or dropped, each checked
 * first (format from its first bytes, size, quota) so that a wrong file is
 * refused before a byte is sent; uploads start when the server has created them.
 */
export function StartUploadDialog({ files, visibility, onClose }: { files: File[]; visibility: Visibility; onClose: () => void }) {
  const { begin, limits } = useUploads();
  const [drafts, setDrafts] = useState<Draft[]>(() =>
    files.map((file) => {
      const tooLarge = file.size > limits.maxImageSize ? tooLargeMessage(file.size, limits.maxImageSize) : null;
      const quota = visibility === "private" ? limits.quota : null;
      const overQuota = quota && quota.used + file.size > quota.limit ? overQuotaMessage(file.size, quota.used, quota.limit) : null;
      return {
        key: crypto.randomUUID(),
        file,
        name: imageNameFromFileName(file.name),
        form: EMPTY_PROPERTY_FORM,
        precheck: { state: "checking" },
        resume: null,
        sample: null,
        blocked: tooLarge ?? overQuota,
        error: null,
        nameError: null,
        started: false,
      };
    }),
  );
  const [starting, setStarting] = useState(false);
  const change = (key: string, patch: Partial<Draft>) => setDrafts((current) => current.map((draft) => (draft.key === key ? { ...draft, ...patch } : draft)));

  useEffect(() => {
    let live = true;
    void (async () => {
      const unfinished = await unfinishedUploads();
      for (const draft of drafts) {
        const [precheck, sample] = await Promise.all([precheckFile(draft.file), sampleFingerprint(draft.file).catch(() => null)]);
        const resume = await unfinishedFor(draft.file, sample, unfinished);
        // An unfinished upload already counts toward the quota: continuing it needs no more.
        if (live)
          setDrafts((current) =>
            current.map((item) =>
              item.key === draft.key
                ? { ...item, precheck, sample, resume, blocked: resume && item.file.size <= limits.maxImageSize ? null : item.blocked }
                : item,
            ),
          );
      }
    })();
    return () => {
      live = false;
    };
    // The files are fixed for the life of the dialog: check them once.
  }, []);

  const refused = (draft: Draft) => draft.blocked !== null || draft.precheck.state === "rejected";
  const startable = drafts.filter((draft) => !draft.started && !refused(draft) && draft.precheck.state !== "checking");
  const target = visibility === "platform" ? "Platform images" : "My images";

  async function start() {
    setStarting(true);
    for (const draft of startable) {
      const parsed = imageNameSchema.safeParse(draft.resume?.metadata.name ?? draft.name);
      if (!parsed.success) {
        change(draft.key, { nameError: parsed.error.issues[0]?.message ?? "Invalid name." });
        continue;
      }
      const fresh = uploadMetadata({ name: parsed.data, fileName: draft.file.name, visibility, properties: draft.form });
      const metadata = draft.resume?.metadata ?? (draft.sample ? { ...fresh, sample: draft.sample } : fresh);
      const result = await begin({ file: draft.file, name: parsed.data, visibility, metadata, resumeUrl: draft.resume?.url });
      change(draft.key, result.ok ? { started: true, error: null, nameError: null } : { error: result.message });
    }
    setStarting(false);
  }

  // Everything that could start has: the tray takes over.
  useEffect(() => {
    if (drafts.length > 0 && drafts.every((draft) => draft.started || refused(draft))) {
      if (drafts.some((draft) => draft.started)) onClose();
    }
  }, [drafts, onClose]);

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
                <PrecheckResult precheck={draft.precheck} />
              </div>
              {visible.length > 1 ? (
                <Button
                  variant="ghost"
                  className="px-2 py-1"
                  aria-label={`Remove ${draft.file.name}`}
                  onClick={() => setDrafts((current) => current.filter((item) => item.key !== draft.key))}
                >
                  <X className="size-4" />
                </Button>
              ) : null}
            </div>
            {draft.blocked ? (
              <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {draft.blocked}
              </p>
            ) : null}
            {draft.error ? (
              <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {draft.error}
              </p>
            ) : null}
            {refused(draft) ? null : draft.resume ? (
              <p className="mt-3 flex items-center gap-2 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-700">
                <RotateCcw className="size-4 shrink-0" />
                Continues your unfinished upload “{draft.resume.metadata.name ?? draft.resume.fileName}” from{" "}
                {Math.floor((draft.resume.offset / Math.max(1, draft.resume.length)) * 100)}%.
              </p>
            ) : (
              <div className="mt-3 space-y-3 pl-8">
                <Field label="Name" htmlFor={`upload-${draft.key}-name`} error={draft.nameError ?? undefined}>
                  <TextInput
                    id={`upload-${draft.key}-name`}
                    value={draft.name}
                    invalid={Boolean(draft.nameError)}
                    onChange={(event) => change(draft.key, { name: event.target.value, nameError: null, error: null })}
                  />
                </Field>
                <details className="group">
                  <summary className="cursor-pointer select-none text-sm font-medium text-brand-700 hover:text-brand-600">Properties (optional)</summary>
                  <div className="mt-3 space-y-4">
                    <PropertyFields idPrefix={`upload-${draft.key}`} form={draft.form} onChange={(form) => change(draft.key, { form })} descriptionRows={2} />
                  </div>
                </details>
              </div>
            )}
          </li>
        ))}
      </ul>
      {limits.quota && visibility === "private" ? (
        <p className="mt-4 text-xs text-slate-500">
          Your images use {humanBytes(limits.quota.used)} of your {humanBytes(limits.quota.limit)} quota.
        </p>
      ) : null}
      <div className="mt-5 flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button disabled={starting || startable.length === 0} onClick={() => void start()}>
          {starting ? "Starting…" : startable.length > 1 ? `Upload ${startable.length} images` : "Upload"}
        </Button>
      </div>
    </Dialog>
  );
}
