"use client";

import { Plus, X } from "lucide-react";
import { useState } from "react";
import { updatePropertiesAction } from "@/app/(portal)/images/actions";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextInput } from "../ui/field";
import { PropertyFields, propertyFormOf } from "./property-fields";
import type { ImageSummary } from "./types";
import { useAction } from "./use-action";
import { DialogActions } from "../ui/dialog-actions";

export function EditPropertiesDialog({ image, open, onOpenChange }: { image: ImageSummary; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [form, setForm] = useState(() => propertyFormOf(image));
  const [custom, setCustom] = useState(() => Object.entries(image.properties).map(([key, value]) => ({ key, value })));
  const [duplicate, setDuplicate] = useState<string | null>(null);
  const { run, pending, error, reset } = useAction();
  const fields = error?.fields ?? {};

  const close = (next: boolean) => {
    if (!next) {
      reset();
      setDuplicate(null);
      setForm(propertyFormOf(image));
      setCustom(Object.entries(image.properties).map(([key, value]) => ({ key, value })));
    }
    onOpenChange(next);
  };

  function submit() {
    const rows = custom.filter((row) => row.key.trim() !== "" || row.value !== "");
    const keys = rows.map((row) => row.key.trim());
    const repeated = keys.find((key, index) => keys.indexOf(key) !== index);
    setDuplicate(repeated ? `“${repeated}” appears twice.` : null);
    if (repeated) return;
    const properties = Object.fromEntries(rows.map((row) => [row.key.trim(), row.value]));
    run(() => updatePropertiesAction(image.id, { ...form, properties }), {
      success: `Saved the properties of “${image.name}”`,
      onDone: () => onOpenChange(false),
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Edit properties"
      description={`Properties of “${image.name}” used when instances are created from it.`}
      wide
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        className="space-y-4"
        noValidate
      >
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error.message}
          </p>
        ) : null}
        <PropertyFields idPrefix="prop" form={form} onChange={setForm} errors={fields} />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Custom properties</legend>
          <p className="text-xs text-slate-500">Free-form key/value pairs, as in OpenStack Glance (e.g. hw_disk_bus = virtio).</p>
          <div className="mt-2 space-y-2">
            {custom.map((row, index) => (
              <div key={index} className="flex gap-2">
                <TextInput
                  aria-label={`Property ${index + 1} name`}
                  placeholder="name"
                  value={row.key}
                  onChange={(event) => setCustom((rows) => rows.map((r, i) => (i === index ? { ...r, key: event.target.value } : r)))}
                />
                <TextInput
                  aria-label={`Property ${index + 1} value`}
                  placeholder="value"
                  value={row.value}
                  onChange={(event) => setCustom((rows) => rows.map((r, i) => (i === index ? { ...r, value: event.target.value } : r)))}
                />
                <Button variant="ghost" aria-label={`Remove property ${index + 1}`} onClick={() => setCustom((rows) => rows.filter((_, i) => i !== index))}>
                  <X className="size-4" />
                </Button>
              </div>
            ))}
          </div>
          {(duplicate ?? fields.properties) ? (
            <p role="alert" className="mt-1 text-xs text-red-600">
              {duplicate ?? fields.properties}
            </p>
          ) : null}
          <Button variant="ghost" className="mt-2" onClick={() => setCustom((rows) => [...rows, { key: "", value: "" }])}>
            <Plus className="size-4" /> Add property
          </Button>
        </fieldset>
        <DialogActions onCancel={() => close(false)} label="Save" pendingLabel="Saving…" pending={pending} divided />
      </form>
    </Dialog>
  );
}
