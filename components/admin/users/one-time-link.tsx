"use client";

import { TriangleAlert } from "lucide-react";
import type { IssuedLink } from "@/lib/accounts/password-links";
import { CopyButton } from "../../ui/copy-button";

/** A password link, shown once: Hangar keeps only its hash, so this is the only time anyone sees it. */
export function OneTimeLink({ link, who }: { link: IssuedLink; who: string }) {
  return (
    <div role="status" aria-label="One-time link" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4">
      <p className="flex items-start gap-2 text-sm font-medium text-emerald-900">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-amber-600" />
        Copy this link now and give it to {who}: it is shown only once. It sets the password, works once, and expires on{" "}
        {link.expiresAt.slice(0, 16).replace("T", " ")} UTC.
      </p>
      <div className="mt-3 flex items-center gap-2">
        <code
          data-testid="one-time-link"
          className="min-w-0 flex-1 break-all rounded-md bg-white px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-inset ring-emerald-200"
        >
          {link.url}
        </code>
        <CopyButton text={link.url} label="Copy link" />
      </div>
    </div>
  );
}
