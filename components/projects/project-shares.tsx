"use client";

import { FolderKanban, User } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { unshareAction } from "@/app/(portal)/images/actions";
import { ConfirmDialog } from "@/components/catalog/confirm-dialog";
import { Button } from "@/components/ui/button";
import type { Share } from "@/lib/projects/shares";

const recipient = (share: Share) => (share.project ? share.project.name : share.user ? `${share.user.name} (${share.user.email})` : "—");

/** The shares the project's images are in, each revocable by those who manage the project's sharing (owners, administrators). */
export function ProjectShares({ shares, revoke }: { shares: Share[]; revoke: boolean }) {
  const [revoking, setRevoking] = useState<Share | null>(null);
  return (
    <section aria-labelledby="shares-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="shares-title" className="text-base font-semibold text-slate-900">
        Shared by this project <span className="font-normal text-slate-500">({shares.length})</span>
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Images of this project that other projects or people may see and download. Share an image from its menu on the Images page
        {revoke ? "; revoke a share here or there." : "."}
      </p>
      {shares.length === 0 ? (
        <p className="mt-4 text-sm text-slate-500">None of its images is shared.</p>
      ) : (
        <ul className="mt-4 divide-y divide-slate-100" aria-label="Shares">
          {shares.map((share) => (
            <li key={share.id} className="flex items-center gap-3 py-2 text-sm">
              {share.project ? <FolderKanban className="size-4 shrink-0 text-slate-400" /> : <User className="size-4 shrink-0 text-slate-400" />}
              <span className="min-w-0 flex-1">
                <Link href={`/images/${share.image.id}`} className="font-medium text-brand-700 hover:text-brand-600">
                  {share.image.name}
                </Link>{" "}
                <span className="text-slate-600">with {recipient(share)}</span>
                {share.createdBy ? <span className="block text-xs text-slate-500">shared by {share.createdBy.name}</span> : null}
              </span>
              {revoke ? (
                <Button
                  variant="ghost"
                  className="px-2 py-1"
                  aria-label={`Revoke the share of ${share.image.name} with ${recipient(share)}`}
                  onClick={() => setRevoking(share)}
                >
                  Revoke
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {revoking ? (
        <ConfirmDialog
          open
          onOpenChange={(open) => {
            if (!open) setRevoking(null);
          }}
          title="Revoke this share?"
          description={`${recipient(revoking)} stops seeing ${revoking.image.name} at the next request.`}
          confirmLabel="Revoke share"
          success="The share was revoked."
          danger
          action={() => unshareAction(revoking.image.id, revoking.id)}
        />
      ) : null}
    </section>
  );
}
