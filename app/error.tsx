"use client";

import { buttonClass } from "@/components/ui/button";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="mx-auto max-w-md py-24 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">The server could not finish this request. Nothing was changed; try again.</p>
      <p className="mt-2 text-sm text-slate-600">
        If it fails again, Hangar may not reach its database or image store at the moment (a restart takes a few seconds); if this goes on, tell your
        administrator.
      </p>
      <button type="button" onClick={reset} className={buttonClass("primary", "mt-6")}>
        Try again
      </button>
    </div>
  );
}
