import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Logo } from "@/components/portal/logo";
import { SignInForm } from "@/components/portal/sign-in-form";
import { SsoButton } from "@/components/portal/sso-button";
import { currentActor } from "@/lib/auth/session";
import { ssoConfig } from "@/lib/sso/config";
import { signInErrorMessage } from "@/lib/sso/sign-in-errors";

export const metadata: Metadata = { title: "Sign in" };

type Params = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The ways to sign in that are configured: single sign-on, a password (Hangar's own or the directory's), or both. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Params> }) {
  if (await currentActor()) redirect("/images");
  const params = await searchParams;
  const config = ssoConfig();
  const providerName = config.oidc?.name ?? "single sign-on";
  const error = signInErrorMessage(first(params.error), first(params.reason), providerName);
  // Local passwords off and no directory: the password form is the administrators' way in when the identity provider is down.
  const breakGlass = config.localPasswords === "off" && !config.ldap;
  const passwordForm = !breakGlass || first(params.local) === "1";
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-900 px-4">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex justify-center text-xl text-white">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-xl">
          <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 text-sm text-slate-600">The image catalog of your KVM cloud.</p>
          {error ? (
            <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {error}
            </p>
          ) : null}
          {config.oidc ? <SsoButton name={config.oidc.name} /> : null}
          {config.oidc && passwordForm ? (
            <p className="mt-5 flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500">
              <span className="h-px flex-1 bg-slate-200" /> or with a password <span className="h-px flex-1 bg-slate-200" />
            </p>
          ) : null}
          {passwordForm ? <SignInForm identifierLabel={config.ldap ? "Email or user name" : "Email"} /> : null}
          {breakGlass && !passwordForm ? (
            <p className="mt-6 text-center text-xs text-slate-500">
              <Link href="/signin?local=1" className="underline hover:text-slate-700">
                Administrator sign-in with a password
              </Link>
            </p>
          ) : null}
        </div>
      </main>
    </div>
  );
}
