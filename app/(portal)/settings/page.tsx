import { KeyRound, MonitorSmartphone, ScrollText } from "lucide-react";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { CliSection } from "@/components/settings/cli-section";
import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { CreateTokenForm } from "@/components/settings/create-token-form";
import { SessionList } from "@/components/settings/session-list";
import { SignOutEverywhere } from "@/components/settings/sign-out-everywhere";
import { TokenList } from "@/components/settings/token-list";
import { requireSession } from "@/app/(portal)/request-session";
import { MIN_PASSWORD_LENGTH } from "@/lib/accounts/schemas";
import { SIGN_IN_LABELS, signInMethod } from "@/lib/accounts/sign-in-method";
import { listSessions, signedInRecently } from "@/lib/auth/sessions";
import { API_VERSION } from "@/lib/api/version";
import { listTokens } from "@/lib/auth/tokens";
import { listProjects } from "@/lib/projects/projects";
import { projectDeps } from "@/lib/projects/runtime";
import { cliBundleBuilt } from "@/lib/cli/bundle/file";
import { db } from "@/lib/db/client";
import { HANGAR_VERSION } from "@/lib/version";

export const metadata: Metadata = { title: "Settings" };

/** The address people reach this portal at, for the commands shown on the page. */
async function publicOrigin(): Promise<string> {
  const list = await headers();
  const host = list.get("x-forwarded-host") ?? list.get("host") ?? "localhost:3000";
  const proto = list.get("x-forwarded-proto") ?? (process.env.NEXTAUTH_URL?.startsWith("https:") ? "https" : "http");
  return `${proto}://${host}`;
}

// A server component renders once per request: this is the request's time, for relative dates.
const requestTime = () => Date.now();

export default async function SettingsPage() {
  const session = await requireSession();
  const { actor } = session;
  const sessions = await listSessions(db(), session);
  const [tokens, projects, method] = await Promise.all([listTokens(db(), actor), listProjects(projectDeps(), actor), signInMethod(db(), actor)]);
  if (!tokens.ok || !projects.ok) throw new Error("listing tokens failed for a signed-in user");
  // The projects whose audit trail the actor may read (owners; administrators read every project's on /admin/audit).
  const audited = projects.value.filter((project) => project.actions.includes("view_audit"));
  const origin = await publicOrigin();
  const now = requestTime();

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">
          Signed in as {actor.name} ({actor.email}){actor.role === "admin" ? ", administrator" : ""}.
        </p>
      </div>

      <section id="api-tokens" aria-labelledby="tokens-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <header className="border-b border-slate-200 px-4 py-4">
          <h2 id="tokens-title" className="text-base font-semibold text-slate-900">
            API tokens
          </h2>
          <p className="text-sm text-slate-500">
            A token acts as you, with your rights and never more (or fewer: one project, read or upload only, for a CI pipeline), for the{" "}
            <code className="font-mono text-xs">hangar</code> command and the REST API. Hangar stores only a hash: you see a token once, when you create it.
          </p>
        </header>
        <div className="border-b border-slate-200 px-4 py-4">
          <CreateTokenForm
            origin={origin}
            reauthentication={!method.hasPassword ? "sign-in" : signedInRecently(session) ? null : "password"}
            projects={projects.value.map((project) => ({ id: project.id, name: project.name }))}
          />
        </div>
        <TokenList tokens={tokens.value} now={now} />
      </section>

      <section aria-labelledby="sessions-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <header className="flex flex-wrap items-start justify-between gap-4 border-b border-slate-200 px-4 py-4">
          <div>
            <h2 id="sessions-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
              <MonitorSmartphone className="size-4" /> Sessions
            </h2>
            <p className="text-sm text-slate-500">
              Where you are signed in. Sessions last 7 days; ending one signs that browser out at its next request. If you used a shared computer or think
              someone else has your session, end it, or sign out everywhere.
            </p>
          </div>
          <SignOutEverywhere sessions={sessions.length} />
        </header>
        <SessionList sessions={sessions} now={now} />
      </section>

      <section aria-labelledby="password-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="password-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
          <KeyRound className="size-4" /> Password
        </h2>
        {method.hasPassword ? (
          <>
            <p className="mb-4 mt-1 text-sm text-slate-600">
              Changing it signs you out everywhere else; this browser stays signed in. API tokens keep working.
            </p>
            <ChangePasswordForm minLength={MIN_PASSWORD_LENGTH} />
          </>
        ) : (
          <p className="mt-1 text-sm text-slate-600">
            You sign in with {SIGN_IN_LABELS[method.source]}: Hangar keeps no password for you. Change it where your organisation manages it.
          </p>
        )}
      </section>

      {audited.length > 0 ? (
        <section aria-labelledby="audit-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="audit-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
            <ScrollText className="size-4" aria-hidden="true" /> Audit trails
          </h2>
          <p className="mb-3 mt-1 text-sm text-slate-600">Every change in the projects you own: who made it, when, from where, and what it changed.</p>
          <ul className="flex flex-wrap gap-2">
            {audited.map((project) => (
              <li key={project.id}>
                <Link href={`/admin/audit?project=${encodeURIComponent(project.id)}`} className={buttonClass("secondary")}>
                  {project.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <CliSection origin={origin} version={HANGAR_VERSION} apiVersion={API_VERSION} built={await cliBundleBuilt()} />
    </div>
  );
}
