import { Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { AuditFilters, type AuditFilterValues } from "@/components/admin/audit/audit-filters";
import { AuditTable } from "@/components/admin/audit/audit-table";
import { buttonClass } from "@/components/ui/button";
import { isAdmin } from "@/lib/auth/actor";
import { requireActor } from "@/app/(portal)/request-session";
import { listAuditEvents } from "@/lib/audit/read";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit trail" };

type Params = Record<string, string | string[] | undefined>;
const FILTERS = ["actor", "action", "objectType", "objectId", "project", "from", "to"] as const;

/** The filters the URL holds (empty ones dropped), as the form and the links carry them on. */
function filtersOf(params: Params): AuditFilterValues {
  const values: AuditFilterValues = {};
  for (const name of FILTERS) {
    const value = params[name];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (text) values[name] = text;
  }
  return values;
}

/**
 * Administrators read the whole trail; a project's owners reach their project's with ?project= (the API's
 * policy decides, lib/audit/read.ts).
 */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  const params = await searchParams;
  const filters = filtersOf(params);
  const cursor = typeof params.cursor === "string" ? params.cursor : undefined;
  const page = await listAuditEvents({ db: db() }, actor, { ...filters, cursor });
  if (!page.ok && page.error.code !== "invalid") forbidden();
  const errors = page.ok ? {} : (page.error.fields ?? { actor: page.error.message });
  const query = new URLSearchParams(filters);
  const exportHref = `/api/v1/audit?${new URLSearchParams({ ...filters, format: "jsonl" })}`;
  const nextHref = page.ok && page.value.nextCursor ? `/admin/audit?${new URLSearchParams({ ...filters, cursor: page.value.nextCursor })}` : null;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{isAdmin(actor) ? "Administration" : "Audit trail"}</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every change, newest first: who made it, how (session, API token or the system), from which address, and the changed fields before and after.
        </p>
      </div>
      {isAdmin(actor) ? <AdminNav current="/admin/audit" /> : null}

      <section aria-labelledby="audit-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <header className="space-y-4 border-b border-slate-200 px-4 py-4">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
            <div>
              <h2 id="audit-title" className="text-base font-semibold text-slate-900">
                Audit trail
              </h2>
              <p className="text-sm text-slate-600">
                {filters.project ? `Events of project ${filters.project}.` : isAdmin(actor) ? "All events." : "Events of the projects you own."}
              </p>
            </div>
            <a href={exportHref} className={buttonClass("secondary")} download>
              <Download className="size-4" aria-hidden="true" />
              Export JSON lines
            </a>
          </div>
          <AuditFilters values={filters} errors={errors} />
        </header>
        {!page.ok ? (
          <p role="alert" className="px-6 py-8 text-sm text-red-700">
            {page.error.message}
          </p>
        ) : page.value.events.length === 0 ? (
          <p className="px-6 py-12 text-center text-sm text-slate-600">
            {query.size > 0 ? "No event matches these filters." : "Nothing has been recorded yet."}
          </p>
        ) : (
          <AuditTable events={page.value.events} />
        )}
        {nextHref || cursor ? (
          <nav aria-label="Pages of events" className="flex items-center justify-end gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-600">
            {cursor ? <Link href={`/admin/audit?${query}`}>Newest events</Link> : null}
            {nextHref ? <Link href={nextHref}>Older events</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
