import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/portal/auth-card";
import { SignInForm } from "@/components/portal/sign-in-form";
import { currentActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await currentActor()) redirect("/images");
  return (
    <AuthCard>
      <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">The image catalog of your KVM cloud.</p>
      <SignInForm />
    </AuthCard>
  );
}
