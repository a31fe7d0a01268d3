"use client";

import { LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { signOutEverywhereAction } from "@/app/(portal)/settings/actions";
import { ConfirmDialog } from "../catalog/confirm-dialog";
import { Button } from "../ui/button";

/** Ends every session of the user, this browser's too; the page then goes to sign-in. */
export function SignOutEverywhere({ sessions }: { sessions: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <LogOut className="size-4" /> Sign out everywhere
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Sign out everywhere"
        description={
          <>
            Ends {sessions === 1 ? "your session" : `all ${sessions} of your sessions`}, in this browser and any other, at once. API tokens keep working: revoke
            them above if they may have leaked.
          </>
        }
        confirmLabel="Sign out everywhere"
        success="Signed out everywhere"
        danger
        action={async () => {
          const result = await signOutEverywhereAction();
          // The cookie no longer names a session; clear it too.
          if (result.ok) await signOut({ redirect: false });
          return result;
        }}
      />
    </>
  );
}
