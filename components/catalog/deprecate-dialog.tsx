"use client";

import { useState } from "react";
import { setDeprecationAction } from "@/app/(portal)/images/actions";
import { Field, Select, TextInput } from "../ui/field";
import { ConfirmDialog } from "./confirm-dialog";
import type { ImageSummary } from "./types";

const STATES = {
  deprecated: { label: "Deprecated", hint: "Still usable, with a warning that names the replacement." },
  obsolete: { label: "Obsolete", hint: "Refused for new use: no download, not FAMILY@latest. Can be restored." },
  deleted: { label: "Deleted", hint: "The file is removed; the record stays to name the replacement. Final." },
} as const;
type State = keyof typeof STATES;
const DATE_OF: Record<State, string> = { deprecated: "deprecateOn", obsolete: "obsoleteOn", deleted: "deleteOn" };
const CONFIRM: Record<State, string> = { deprecated: "Deprecate", obsolete: "Make obsolete", deleted: "Delete file" };

/**
 * Deprecation as GCP has it: a state, what replaces the image (FAMILY@latest by default for a version of a
 * family), and optionally a date on which the state takes effect by itself instead of now.
 */
export function DeprecateDialog({ image, open, onOpenChange }: { image: ImageSummary; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [state, setState] = useState<State>("deprecated");
  const [replacement, setReplacement] = useState(image.deprecation.replacement ?? (image.family ? `${image.family}@latest` : ""));
  const [on, setOn] = useState("");
  const id = `deprecate-${image.id}`;
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Deprecate image?"
      description={
        <>Users of “{image.name}” are told to use the replacement instead. Deprecated and obsolete images leave the lists unless deprecated images are shown.</>
      }
      confirmLabel={on ? `Schedule (${state} on ${on})` : CONFIRM[state]}
      success={on ? `“${image.name}” becomes ${state} on ${on}` : `“${image.name}” is ${state}`}
      danger={state === "deleted"}
      action={() =>
        setDeprecationAction(image.id, {
          ...(on ? { [DATE_OF[state]]: on } : { state }),
          replacement: replacement.trim() === "" ? null : replacement.trim(),
        })
      }
    >
      <div className="mb-4 space-y-3">
        <Field label="State" htmlFor={`${id}-state`} hint={STATES[state].hint}>
          <Select id={`${id}-state`} value={state} onChange={(event) => setState(event.target.value as State)}>
            {Object.entries(STATES).map(([value, { label }]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Replacement (an image id or FAMILY@latest)" htmlFor={`${id}-replacement`}>
          <TextInput
            id={`${id}-replacement`}
            value={replacement}
            placeholder="debian-12-golden@latest"
            onChange={(event) => setReplacement(event.target.value)}
          />
        </Field>
        <Field label="Takes effect on (empty: now)" htmlFor={`${id}-on`}>
          <TextInput id={`${id}-on`} type="date" value={on} onChange={(event) => setOn(event.target.value)} />
        </Field>
      </div>
    </ConfirmDialog>
  );
}
