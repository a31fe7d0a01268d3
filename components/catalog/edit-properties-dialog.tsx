"use client";

import { Plus, X } from "lucide-react";
import { useState } from "react";
import { updatePropertiesAction } from "@/app/(portal)/images/actions";
import { ARCHITECTURES, FIRMWARES, OS_TYPES } from "@/lib/catalog/image";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Select, TextArea, TextInput } from "../ui/field";
import type { ImageSummary } from "./types";
import { useAction } from "./use-action";

type Form = {
  description: string;
  minMemoryMiB: string;
  minDiskGiB: string;
  osType: string;
  osDistro: string;
  osVersion: string;
  architecture: string;
  firmware: string;
};

const text = (value: string | number | null) => (value === null ? "" : String(value));

function initialForm(image: ImageSummary): Form {
  return {
    description: image.description,
    minMemoryMiB: text(image.minMemoryMiB),
    minDiskGiB: text(image.minDiskGiB),
    osType: text(image.osType),
    osDistro: text(image.osDistro),
    osVersion: text(image.osVersion),
    architecture: text(image.architecture),
    firmware: text(image.firmware),
  };
}

export function EditPropertiesDialog({ image, open, onOpenChange }: { image: ImageSummary; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [form, setForm] = useState(() => initialForm(image));
  const [custom, setCustom] = useState(() => Object.entries(image.properties).map(([key, value]) => ({ key, value })));
  const [duplicate, setDuplicate] = useState<string | null>(null);
  const { run, pending, error, reset } = useAction();
  const fields = error?.fields ?? {};
  const set = (key: keyof Form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [key]: event.target.value }));

  const close = (next: boolean) => {
    if (!next) {
      reset();
      setDuplicate(null);
      setForm(initialForm(image));
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
    run(() => updatePropertiesAction(image.id, { ...form, properties }), { success: `Saved the properties of “${image.name}”`, onDone: () => onOpenChange(false) });
  }

  return (
    <Dialog open={open} onOpenChange={close} title="Edit properties" description={`Properties of “${image.name}” used when instances are created from it.`} wide>
      <form onSubmit={(event) => { event.preventDefault(); submit(); }} className="space-y-4" noValidate>
        {error ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error.message}</p> : null}
        <Field label="Description" htmlFor="prop-description" error={fields.description}>
          <TextArea id="prop-description" rows={3} value={form.description} invalid={Boolean(fields.description)} onChange={set("description")} />
        </Field>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Minimum memory (MiB)" htmlFor="prop-min-memory" error={fields.minMemoryMiB} hint="Memory an instance needs to boot.">
            <TextInput id="prop-min-memory" inputMode="numeric" value={form.minMemoryMiB} invalid={Boolean(fields.minMemoryMiB)} onChange={set("minMemoryMiB")} />
          </Field>
          <Field label="Minimum disk (GiB)" htmlFor="prop-min-disk" error={fields.minDiskGiB}>
            <TextInput id="prop-min-disk" inputMode="numeric" value={form.minDiskGiB} invalid={Boolean(fields.minDiskGiB)} onChange={set("minDiskGiB")} />
          </Field>
          <Field label="OS type" htmlFor="prop-os-type" error={fields.osType}>
            <Select id="prop-os-type" value={form.osType} invalid={Boolean(fields.osType)} onChange={set("osType")}>
              <option value="">Not set</option>
              {OS_TYPES.map((value) => <option key={value} value={value}>{value}</option>)}
            </Select>
          </Field>
          <Field label="Architecture" htmlFor="prop-arch" error={fields.architecture}>
            <Select id="prop-arch" value={form.architecture} invalid={Boolean(fields.architecture)} onChange={set("architecture")}>
              <option value="">Not set</option>
              {ARCHITECTURES.map((value) => <option key={value} value={value}>{value}</option>)}
            </Select>
          </Field>
          <Field label="OS distribution" htmlFor="prop-distro" error={fields.osDistro} hint="e.g. debian, ubuntu, rhel, windows">
            <TextInput id="prop-distro" value={form.osDistro} invalid={Boolean(fields.osDistro)} onChange={set("osDistro")} />
          </Field>
          <Field label="OS version" htmlFor="prop-version" error={fields.osVersion}>
            <TextInput id="prop-version" value={form.osVersion} invalid={Boolean(fields.osVersion)} onChange={set("osVersion")} />
          </Field>
          <Field label="Firmware" htmlFor="prop-firmware" error={fields.firmware}>
            <Select id="prop-firmware" value={form.firmware} invalid={Boolean(fields.firmware)} onChange={set("firmware")}>
              <option value="">Not set</option>
              {FIRMWARES.map((value) => <option key={value} value={value}>{value}</option>)}
            </Select>
          </Field>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Custom properties</legend>
          <p className="text-xs text-slate-500">Free-form key/value pairs, as in OpenStack Glance (e.g. hw_disk_bus = virtio).</p>
          <div className="mt-2 space-y-2">
            {custom.map((row, index) => (
              <div key={index} className="flex gap-2">
                <TextInput aria-label={`Property ${index + 1} name`} placeholder="name" value={row.key} onChange={(event) => setCustom((rows) => rows.map((r, i) => (i === index ? { ...r, key: event.target.value } : r)))} />
                <TextInput aria-label={`Property ${index + 1} value`} placeholder="value" value={row.value} onChange={(event) => setCustom((rows) => rows.map((r, i) => (i === index ? { ...r, value: event.target.value } : r)))} />
                <Button variant="ghost" aria-label={`Remove property ${index + 1}`} onClick={() => setCustom((rows) => rows.filter((_, i) => i !== index))}>
                  <X className="size-4" />
                </Button>
              </div>
            ))}
          </div>
          {(duplicate ?? fields.properties) ? <p role="alert" className="mt-1 text-xs text-red-600">{duplicate ?? fields.properties}</p> : null}
          <Button variant="ghost" className="mt-2" onClick={() => setCustom((rows) => [...rows, { key: "", value: "" }])}>
            <Plus className="size-4" /> Add property
          </Button>
        </fieldset>
        <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
          <Button variant="secondary" onClick={() => close(false)}>Cancel</Button>
          <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save"}</Button>
        </div>
      </form>
    </Dialog>
  );
}
