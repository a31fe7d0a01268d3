import type { ReactNode } from "react";
import { Logo } from "./logo";

/** The card on the dark page where people prove who they are: signing in, choosing a password from a link. */
export function AuthCard({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-900 px-4">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex justify-center text-xl text-white">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-xl">{children}</div>
      </main>
    </div>
  );
}
