"use client";

import { Link2 } from "lucide-react";
import { useState } from "react";
import type { Visibility } from "@/lib/catalog/image";
import type { ImportView } from "@/lib/imports/view";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, TextInput } from "../ui/field";
import { useImports } from "./imports-context";
import { DialogActions } from "../ui/dialog-actions";

interface Form {
  url: string;
  checksum: string;
  signatureUrl: string;
  name: string;
}

const EMPTY: Form = { url: "", checksum: "", signatureUrl: "", name: "" };

const isUrl = (text: string) => /^https?:\/\//i.test(text.trim());

/** A checksum field takes a digest or the URL of a checksum file (with its detached signature, if given): which one it is, for the API. */
const checksumFields = (form: Form) => {
  const value = form.checksum.trim();
  if (!value) return {};
  if (!isUrl(value)) return { checksum: value };
  const signatureUrl = form.signatureUrl.trim();
  return signatureUrl ? { checksumUrl: value, signatureUrl } : { checksumUrl: value };
};

/**
 * *Import from URL*: the server downloads an image (unpacking .gz, .xz, .bz2, .zst, .tar, .ova) and
 * validates it as an upload; its progress goes to the imports tray.
 */
export function ImportButton({
  visibility,
  variant = "secondary",
  project = null,
}: {
  visibility: Visibility;
  variant?: "primary" | "secondary";
  /** The project a private import goes into (the catalog's switcher); null: the importer's personal project. */
  project?: { id: string; name: string } | null;
}) {
  const imports = useImports();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const target = visibility === "platform" ? "Platform images" : project ? `the project ${project.name}` : "My images";

  const start = async () => {
    setStarting(true);
    setMessage(null);
    setErrors({});
    try {
      const body = {
        url: form.url.trim(),
        visibility,
        ...(visibility === "private" && project ? { project: project.id } : {}),
        ...checksumFields(form),
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
      };
      const response = await fetch("/api/v1/images/imports", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const answer = (await response.json().catch(() => null)) as ImportView | { error?: { message?: string; fields?: Record<string, string> } } | null;
      if (!response.ok) {
        const error = (answer as { error?: { message?: string; fields?: Record<string, string> } } | null)?.error;
        setErrors(error?.fields ?? {});
        // A message about one field is shown under it, not twice.
        setMessage(error?.fields ? null : (error?.message ?? `The server answered ${response.status}.`));
        return;
      }
      imports.add(answer as ImportView);
      setForm(EMPTY);
      setOpen(false);
    } catch {
      setMessage("Hangar could not be reached. Check your connection and try again.");
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)}>
        <Link2 className="size-4" /> Import from URL
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Import from a URL"
        description={
          <>
            To <strong className="text-slate-900">{target}</strong>. Hangar downloads the file, unpacks .gz, .xz, .bz2, .zst, .tar and .ova, verifies the
            checksum and checks the image as an upload.
          </>
        }
      >
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
        >
          <Field label="URL" htmlFor="import-url" error={errors.url}>
            <TextInput
              id="import-url"
              type="url"
              required
              value={form.url}
              invalid={Boolean(errors.url)}
              placeholder="https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2"
              onChange={(event) => setForm({ ...form, url: event.target.value })}
            />
          </Field>
          <Field
            label="Checksum (optional)"
            htmlFor="import-checksum"
            error={errors.checksum ?? errors.checksumUrl}
            hint="sha256:… or sha512:…, or the URL of a SHA256SUMS, SHA512SUMS or CHECKSUM file."
          >
            <TextInput
              id="import-checksum"
              value={form.checksum}
              invalid={Boolean(errors.checksum ?? errors.checksumUrl)}
              onChange={(event) => setForm({ ...form, checksum: event.target.value })}
            />
          </Field>
          {isUrl(form.checksum) ? (
            <Field
              label="Signature of the checksum file (optional)"
              htmlFor="import-signature"
              error={errors.signatureUrl}
              hint="The URL of its detached OpenPGP signature, such as SHA256SUMS.sign or SHA256SUMS.gpg. A clear-signed CHECKSUM needs none: its signature is checked against the keys the administrator trusts."
            >
              <TextInput
                id="import-signature"
                type="url"
                value={form.signatureUrl}
                invalid={Boolean(errors.signatureUrl)}
                onChange={(event) => setForm({ ...form, signatureUrl: event.target.value })}
              />
            </Field>
          ) : null}
          <Field label="Name (optional)" htmlFor="import-name" error={errors.name} hint="By default, the file name without its extensions.">
            <TextInput id="import-name" value={form.name} invalid={Boolean(errors.name)} onChange={(event) => setForm({ ...form, name: event.target.value })} />
          </Field>
          {message ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {message}
            </p>
          ) : null}
          <DialogActions onCancel={() => setOpen(false)} label="Import" pendingLabel="Starting…" pending={starting} disabled={!form.url.trim()} divided />
        </form>
      </Dialog>
    </>
  );
}
