"use client";

import type { ReactNode } from "react";
import type { ActionResult } from "@/app/(portal)/images/actions";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { useAction } from "./use-action";

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
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={() => onOpenChange(false)}>
          Cancel
        </Button>
        <Button variant={danger ? "danger" : "primary"} disabled={pending} onClick={() => run(action, { success, onDone: () => onOpenChange(false) })}>
          {pending ? "Working…" : confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
