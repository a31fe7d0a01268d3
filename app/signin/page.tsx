import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Logo } from "@/components/portal/logo";
import { SignInForm } from "@/components/portal/sign-in-form";
import { currentActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await currentActor()) redirect("/images");
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-900 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex justify-center text-xl text-white">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-xl">
          <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 text-sm text-slate-600">The image catalog of your KVM cloud.</p>
          <SignInForm />
        </div>
      </div>
    </div>
  );
}
