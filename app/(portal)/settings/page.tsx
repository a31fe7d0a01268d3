import type { Metadata } from "next";
import { headers } from "next/headers";
import { CliSection } from "@/components/settings/cli-section";
import { CreateTokenForm } from "@/components/settings/create-token-form";
import { TokenList } from "@/components/settings/token-list";
import { API_VERSION } from "@/lib/api/version";
import { requireActor } from "@/lib/auth/session";
import { listTokens } from "@/lib/auth/tokens";
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

export default async function SettingsPage() {
  const actor = await requireActor();
  const tokens = await listTokens(db(), actor);
  if (!tokens.ok) throw new Error("listing tokens failed for a signed-in user");
  const origin = await publicOrigin();
  const now = Date.now();

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
          <CreateTokenForm origin={origin} />
        </div>
        <TokenList tokens={tokens.value} now={now} />
      </section>

      <CliSection origin={origin} version={HANGAR_VERSION} apiVersion={API_VERSION} built={await cliBundleBuilt()} />
    </div>
  );
}
