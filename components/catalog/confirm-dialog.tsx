"use client";

import type { ReactNode } from "react";
import type { ActionResult } from "@/app/(portal)/images/actions";
import { Dialog } from "../ui/dialog";
import { useAction } from "./use-action";
import { DialogActions } from "../ui/dialog-actions";

/** Asks before an action that cannot be undone, naming what it acts on. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  success,
  danger = false,
  action,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  success: string;
  danger?: boolean;
  action: () => Promise<ActionResult>;
  children?: ReactNode;
}) {
  const { run, pending, error, reset } = useAction();
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) reset();
        onOpenChange(next);
      }}
      title={title}
      description={description}
    >
      {children}
      {error ? (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error.message}
        </p>
      ) : null}
      <DialogActions
        onCancel={() => onOpenChange(false)}
        label={confirmLabel}
        pendingLabel="Working…"
        pending={pending}
        variant={danger ? "danger" : "primary"}
        onAction={() => run(action, { success, onDone: () => onOpenChange(false) })}
      />
    </Dialog>
  );
}
