"use client";

import { FileClock, FolderOpen, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { discardUpload } from "@/lib/uploads/client/api";
import { resumedName, resumeStart } from "@/lib/uploads/client/plan";
import type { UnfinishedUpload } from "@/lib/uploads/list";
import { humanDuration } from "@/lib/uploads/transfer-meter";
import { humanBytes } from "@/lib/units";
import { Button } from "../ui/button";
import { useUploads, useUploadsFigure } from "./uploads-context";

function Entry({ upload }: { upload: UnfinishedUpload }) {
  const { manager } = useUploads();
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const percent = Math.floor((upload.offset / Math.max(1, upload.length)) * 100);
  const name = resumedName(upload);
  const [shownAt] = useState(() => Date.now());
  const expiresIn = (new Date(upload.expiresAt).getTime() - shownAt) / 1000;

  async function resumeWith(file: File) {
    setError(null);
    setBusy(true);
    // A different file of the same size would be appended to the bytes already there, silently.
    const start = await resumeStart(file, upload);
    const result = start.ok ? await manager.start(start.value) : { ok: false as const, message: start.error.message };
    setBusy(false);
    if (!result.ok) setError(result.message);
  }

  async function discard() {
    setBusy(true);
    await discardUpload(upload.url);
    setBusy(false);
    router.refresh();
  }

  return (
    <li className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center" aria-label={`Unfinished upload of ${upload.fileName}`}>
      <FileClock className="hidden size-5 shrink-0 text-amber-600 sm:block" />
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm text-slate-900">
          <span className="font-medium">{upload.fileName}</span>, {percent}%
          <span className="text-slate-500">
            {" "}
            of {humanBytes(upload.length)}
            {name !== upload.fileName ? ` · “${name}”` : ""}
          </span>
        </p>
        <p className="text-xs text-slate-600">
          Select the file again to resume. {expiresIn > 0 ? `Kept for ${humanDuration(expiresIn)} more.` : "About to expire."}
        </p>
        <div className="mt-1.5 h-1 w-full max-w-md overflow-hidden rounded-full bg-amber-100">
          <div className="h-full rounded-full bg-amber-500" style={{ width: `${percent}%` }} />
        </div>
        {error ? (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {error}
          </p>
        ) : null}
      </div>
      <div className="flex shrink-0 gap-2">
        <input
          ref={input}
          type="file"
          hidden
          aria-label={`File to resume ${upload.fileName}`}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = "";
            if (file) void resumeWith(file);
          }}
        />
        <Button variant="secondary" disabled={busy} onClick={() => input.current?.click()}>
          <FolderOpen className="size-4" /> Select file…
        </Button>
        <Button variant="ghost" disabled={busy} aria-label={`Discard upload of ${upload.fileName}`} onClick={() => void discard()}>
          <Trash2 className="size-4" /> Discard
        </Button>
      </div>
    </li>
  );
}

/**
 * Uploads the server holds part of, left by a reload, a closed browser or
 * another device: selecting the same file continues from the server's offset.
 */
export function UnfinishedUploads({ uploads }: { uploads: UnfinishedUpload[] }) {
  // The upload URLs this tab is sending to, one per line: they are not waiting for a file.
  const here = useUploadsFigure((tasks) => tasks.flatMap((task) => (task.url ? [task.url] : [])).join("\n"), "").split("\n");
  const waiting = uploads.filter((upload) => !here.some((url) => url !== "" && url.endsWith(upload.url)));
  if (waiting.length === 0) return null;
  return (
    <section aria-labelledby="unfinished-title" className="rounded-xl border border-amber-200 bg-amber-50/60 shadow-sm">
      <header className="border-b border-amber-200 px-4 py-3">
        <h2 id="unfinished-title" className="text-sm font-semibold text-amber-900">
          Unfinished uploads
        </h2>
        <p className="text-xs text-amber-800">These stopped before their last byte. Hangar keeps what arrived; pick the same file to send the rest.</p>
      </header>
      <ul className="divide-y divide-amber-100 bg-white/60">
        {waiting.map((upload) => (
          <Entry key={upload.id} upload={upload} />
        ))}
      </ul>
    </section>
  );
}
