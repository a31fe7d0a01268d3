"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { resetPasswordAction } from "@/app/(portal)/admin/users/actions";
import type { IssuedLink } from "@/lib/accounts/password-links";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { OneTimeLink } from "./one-time-link";
import { DialogActions } from "../../ui/dialog-actions";

/** Resets a password after saying what it ends, then shows the link that sets a new one, once. */
export function ResetPasswordDialog({
  user,
  open,
  onOpenChange,
}: {
  user: { id: string; email: string };
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const router = useRouter();
  const [link, setLink] = useState<IssuedLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const close = (next: boolean) => {
    if (!next) {
      setLink(null);
      setError(null);
    }
    onOpenChange(next);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={link ? "Password reset" : "Reset password?"}
      description={
        link
          ? `${user.email} can choose a new password with this link.`
          : `${user.email}’s password stops working now, and so do all their sessions and API tokens. You get a one-time link for them to choose a new password.`
      }
      wide={Boolean(link)}
    >
      {link ? (
        <div className="space-y-4">
          <OneTimeLink link={link} who={user.email} />
          <div className="flex justify-end">
            <Button onClick={() => close(false)}>Done</Button>
          </div>
        </div>
      ) : (
        <>
          {error ? (
            <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {error}
            </p>
          ) : null}
          <DialogActions
            onCancel={() => close(false)}
            label="Reset password"
            pendingLabel="Resetting…"
            pending={pending}
            variant="danger"
            onAction={() =>
              startTransition(async () => {
                const result = await resetPasswordAction(user.id);
                if (!result.ok) {
                  setError(result.message);
                  return;
                }
                setLink(result.link);
                router.refresh();
              })
            }
          />
        </>
      )}
    </Dialog>
  );
}
