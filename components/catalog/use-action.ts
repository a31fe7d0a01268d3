"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import type { ActionResult } from "@/app/(portal)/images/actions";

/**
 * Runs a server action, keeps its field errors for the form, and refreshes the
 * server-rendered page on success so the change shows without a full reload.
 */
export function useAction() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);

  function run(action: () => Promise<ActionResult>, { success, onDone }: { success: string; onDone?: () => void }) {
    setError(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) {
        setError({ message: result.message, fields: result.fields ?? {} });
        return;
      }
      toast.success(success);
      onDone?.();
      router.refresh();
    });
  }

  return { run, pending, error, reset: () => setError(null) };
}
