import { BookOpen, MonitorSmartphone, Terminal } from "lucide-react";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { CreateTokenForm } from "@/components/settings/create-token-form";
import { SignOutEverywhere } from "@/components/settings/sign-out-everywhere";
import { TokenList } from "@/components/settings/token-list";
import { requireSession } from "@/lib/auth/session";
import { activeSessionCount, signedInRecently } from "@/lib/auth/sessions";
import { listTokens } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";

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
  const sessions = await activeSessionCount(db(), actor.id);
  const tokens = await listTokens(db(), actor);
  if (!tokens.ok) throw new Error("listing tokens failed for a signed-in user");
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
            A token acts as you, with your rights and never more, for the <code className="font-mono text-xs">hangar</code> command and the REST API. Hangar
            stores only a hash: you see a token once, when you create it.
          </p>
        </header>
        <div className="border-b border-slate-200 px-4 py-4">
          <CreateTokenForm origin={origin} needsPassword={!signedInRecently(session)} />
        </div>
        <TokenList tokens={tokens.value} now={now} />
      </section>

      <section aria-labelledby="sessions-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="sessions-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
          <MonitorSmartphone className="size-4" /> Sessions
        </h2>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-4">
          <p className="text-sm text-slate-600">
            You are signed in on {sessions === 1 ? "one browser" : `${sessions} browsers or devices`}. Sessions last 7 days; signing out ends one at once. If
            you used a shared computer or think someone else has your session, sign out everywhere.
          </p>
          <SignOutEverywhere sessions={sessions} />
        </div>
      </section>

      <section aria-labelledby="cli-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="cli-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
          <Terminal className="size-4" /> Command line and API
        </h2>
        <div className="mt-3 grid gap-4 text-sm text-slate-600 lg:grid-cols-2">
          <div>
            <p>
              Upload, download and manage images from a terminal or a pipeline. Uploads resume after Ctrl-C or a dropped connection; downloads resume and verify
              the checksum.
            </p>
            <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-relaxed text-slate-100">{`npx hangar login --url ${origin} --token hgr_…
npx hangar images ls
npx hangar upload disk.qcow2 --name my-image --wait
npx hangar download IMAGE_ID -o disk.qcow2`}</pre>
          </div>
          <div>
            <p>
              The REST API lives under <code className="font-mono text-xs">/api/v1</code>; send the token as{" "}
              <code className="font-mono text-xs">Authorization: Bearer hgr_…</code>.
            </p>
            <a href="/api/v1/openapi.json" className="mt-2 inline-flex items-center gap-1.5 font-medium text-brand-700 hover:text-brand-800">
              <BookOpen className="size-4" /> OpenAPI document
            </a>
          </div>
        </div>
      </section>
    </div>
  );
}
