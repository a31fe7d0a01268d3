import type { Metadata } from "next";
import { Logo } from "@/components/portal/logo";
import { SetPasswordForm } from "@/components/portal/set-password-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/accounts/schemas";

export const metadata: Metadata = { title: "Choose your password" };

/** Where an invitation or a reset link leads. The link's token is in the fragment (#…), which only the page's script reads. */
export default function SetPasswordPage() {
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-900 px-4">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex justify-center text-xl text-white">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-xl">
          <SetPasswordForm minLength={MIN_PASSWORD_LENGTH} />
        </div>
      </main>
    </div>
  );
}
