import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AuthCard } from "@/components/portal/auth-card";
import { SignInForm } from "@/components/portal/sign-in-form";
import { SsoButton } from "@/components/portal/sso-button";
import { currentActor } from "@/lib/auth/session";
import { ssoConfig } from "@/lib/sso/config";
import { OIDC_PROVIDER_ID } from "@/lib/sso/oidc";
import { signInErrorMessage } from "@/lib/sso/sign-in-errors";

export const metadata: Metadata = { title: "Sign in" };

type Params = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function Or({ children }: { children: ReactNode }) {
  return (
    <p className="mt-5 flex items-center gap-3 text-xs tracking-wide text-slate-600 uppercase">
      <span className="h-px flex-1 bg-slate-200" aria-hidden /> {children} <span className="h-px flex-1 bg-slate-200" aria-hidden />
    </p>
  );
}

/** The ways to sign in that are configured (lib/sso/config.ts): an OpenID Connect provider, the directory's password, Hangar's own. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Params> }) {
  if (await currentActor()) redirect("/images");
  const params = await searchParams;
  const config = ssoConfig();
  const error = signInErrorMessage(first(params.error), first(params.reason), config.oidc?.name ?? "single sign-on");
  // Local passwords off: the local form is the administrators' way in when the provider is down, one link away.
  const localForm = config.localPasswords || first(params.local) === "1";
  const ways = [
    config.oidc ? <SsoButton key="oidc" provider={OIDC_PROVIDER_ID} name={config.oidc.name} /> : null,
    config.ldap ? <SignInForm key="ldap" provider="ldap" submitLabel={`Sign in with ${config.ldap.name}`} /> : null,
    localForm ? (
      <SignInForm key="local" provider="credentials" submitLabel={config.oidc || config.ldap ? "Sign in with a Hangar password" : "Sign in"} />
    ) : null,
  ].filter(Boolean);
  return (
    <AuthCard>
      <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">The image catalog of your KVM cloud.</p>
      {error ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {ways.map((way, index) => (index === 0 ? way : [<Or key={`or-${index}`}>or</Or>, way]))}
      {!localForm ? (
        <p className="mt-6 text-center text-xs text-slate-600">
          <Link href="/signin?local=1" className="underline hover:text-slate-800">
            Administrator sign-in with a Hangar password
          </Link>
        </p>
      ) : null}
    </AuthCard>
  );
}
