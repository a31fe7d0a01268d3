"use client";

import { useState } from "react";
import { renameAction } from "@/app/(portal)/images/actions";
import { Dialog } from "../ui/dialog";
import { Field, TextInput } from "../ui/field";
import { useAction } from "./use-action";
import { DialogActions } from "../ui/dialog-actions";

export function RenameDialog({ image, open, onOpenChange }: { image: { id: string; name: string }; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [name, setName] = useState(image.name);
  const { run, pending, error, reset } = useAction();
  const close = (next: boolean) => {
    if (!next) {
      reset();
      setName(image.name);
    }
    onOpenChange(next);
  };
  return (
    <Dialog open={open} onOpenChange={close} title="Rename image" description={`Choose a new name for “${image.name}”.`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          run(() => renameAction(image.id, name), { success: `Renamed to “${name.trim()}”`, onDone: () => onOpenChange(false) });
        }}
        className="space-y-4"
      >
        <Field label="Name" htmlFor="rename-name" error={error?.fields.name ?? error?.message}>
          <TextInput id="rename-name" value={name} maxLength={300} invalid={Boolean(error)} onChange={(event) => setName(event.target.value)} />
        </Field>
        <DialogActions onCancel={() => close(false)} label="Rename" pendingLabel="Renaming…" pending={pending} />
      </form>
    </Dialog>
  );
}
