"use client";

import { ARCHITECTURES, FIRMWARES, OS_TYPES } from "@/lib/catalog/image";
import { Field, Select, TextArea, TextInput } from "../ui/field";

/** The built-in properties of an image as a form holds them: text, "" for not set. */
export type PropertyForm = {
  description: string;
  minMemoryMiB: string;
  minDiskGiB: string;
  osType: string;
  osDistro: string;
  osVersion: string;
  architecture: string;
  firmware: string;
};

export const EMPTY_PROPERTY_FORM: PropertyForm = {
  description: "",
  minMemoryMiB: "",
  minDiskGiB: "",
  osType: "",
  osDistro: "",
  osVersion: "",
  architecture: "",
  firmware: "",
};

const text = (value: string | number | null) => (value === null ? "" : String(value));

export function propertyFormOf(image: {
  description: string;
  minMemoryMiB: number | null;
  minDiskGiB: number | null;
  osType: string | null;
  osDistro: string | null;
  osVersion: string | null;
  architecture: string | null;
  firmware: string | null;
}): PropertyForm {
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

/** Description, minimum memory and disk, OS, architecture and firmware: the fields of *Edit properties* and of an upload. */
export function PropertyFields({
  idPrefix,
  form,
  onChange,
  errors = {},
  descriptionRows = 3,
}: {
  idPrefix: string;
  form: PropertyForm;
  onChange: (form: PropertyForm) => void;
  errors?: Record<string, string>;
  descriptionRows?: number;
}) {
  const set = (key: keyof PropertyForm) => (event: { target: { value: string } }) => onChange({ ...form, [key]: event.target.value });
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <>
      <Field label="Description" htmlFor={id("description")} error={errors.description}>
        <TextArea id={id("description")} rows={descriptionRows} value={form.description} invalid={Boolean(errors.description)} onChange={set("description")} />
      </Field>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label="Minimum memory (MiB)" htmlFor={id("min-memory")} error={errors.minMemoryMiB} hint="Memory an instance needs to boot.">
          <TextInput
            id={id("min-memory")}
            inputMode="numeric"
            value={form.minMemoryMiB}
            invalid={Boolean(errors.minMemoryMiB)}
            onChange={set("minMemoryMiB")}
          />
        </Field>
        <Field label="Minimum disk (GiB)" htmlFor={id("min-disk")} error={errors.minDiskGiB}>
          <TextInput id={id("min-disk")} inputMode="numeric" value={form.minDiskGiB} invalid={Boolean(errors.minDiskGiB)} onChange={set("minDiskGiB")} />
        </Field>
        <Field label="OS type" htmlFor={id("os-type")} error={errors.osType}>
          <Select id={id("os-type")} value={form.osType} invalid={Boolean(errors.osType)} onChange={set("osType")}>
            <option value="">Not set</option>
            {OS_TYPES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Architecture" htmlFor={id("arch")} error={errors.architecture}>
          <Select id={id("arch")} value={form.architecture} invalid={Boolean(errors.architecture)} onChange={set("architecture")}>
            <option value="">Not set</option>
            {ARCHITECTURES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="OS distribution" htmlFor={id("distro")} error={errors.osDistro} hint="e.g. debian, ubuntu, rhel, windows">
          <TextInput id={id("distro")} value={form.osDistro} invalid={Boolean(errors.osDistro)} onChange={set("osDistro")} />
        </Field>
        <Field label="OS version" htmlFor={id("version")} error={errors.osVersion}>
          <TextInput id={id("version")} value={form.osVersion} invalid={Boolean(errors.osVersion)} onChange={set("osVersion")} />
        </Field>
        <Field label="Firmware" htmlFor={id("firmware")} error={errors.firmware}>
          <Select id={id("firmware")} value={form.firmware} invalid={Boolean(errors.firmware)} onChange={set("firmware")}>
            <option value="">Not set</option>
            {FIRMWARES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </Select>
        </Field>
      </div>
    </>
  );
}
