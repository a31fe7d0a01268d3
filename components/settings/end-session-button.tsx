"use client";

import { useState } from "react";
import { endSessionAction } from "@/app/(portal)/settings/actions";
import { ConfirmDialog } from "../catalog/confirm-dialog";
import { Button } from "../ui/button";

export function EndSessionButton({ session }: { session: { id: string; label: string } }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        className="px-2 py-1 text-red-700 hover:bg-red-50 hover:text-red-800"
        aria-label={`End the session of ${session.label}`}
        onClick={() => setOpen(true)}
      >
        End
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="End session"
        description={<>{session.label} will be signed out at its next request.</>}
        confirmLabel="End session"
        success="Session ended"
        danger
        action={() => endSessionAction(session.id)}
      />
    </>
  );
}
