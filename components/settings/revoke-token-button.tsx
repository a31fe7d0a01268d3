"use client";

import { useState } from "react";
import { revokeTokenAction } from "@/app/(portal)/settings/actions";
import { ConfirmDialog } from "../catalog/confirm-dialog";
import { Button } from "../ui/button";

export function RevokeTokenButton({ token }: { token: { id: string; name: string } }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        className="px-2 py-1 text-red-700 hover:bg-red-50 hover:text-red-800"
        aria-label={`Revoke ${token.name}`}
        onClick={() => setOpen(true)}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Revoke token"
        description={<>Scripts and machines using “{token.name}” will get 401 from their next request. This cannot be undone.</>}
        confirmLabel="Revoke token"
        success={`Revoked “${token.name}”`}
        danger
        action={() => revokeTokenAction(token.id)}
      />
    </>
  );
}
