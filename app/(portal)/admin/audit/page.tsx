import { Download, Filter } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { AuditTable } from "@/components/admin/audit/audit-table";
import { buttonClass } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from "@/lib/audit/actions";
import { auditQuerySchema, listAuditEvents } from "@/lib/audit/query";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit trail" };

type Params = Record<string, string | string[] | undefined>;
const FILTERS = ["actor", "action", "objectType", "object", "from", "to"] as const;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  const params = await searchParams;
  const raw = Object.fromEntries(FILTERS.map((key) => [key, first(params[key])?.trim() ?? ""]));
  const parsed = auditQuerySchema.safeParse({ ...raw, ...(first(params.before) ? { before: first(params.before) } : {}) });
  const query = parsed.success ? parsed.data : auditQuerySchema.parse({});
  const page = await listAuditEvents(db(), actor, query);
  if (!page.ok) forbidden();
  const filters = new URLSearchParams(Object.entries(raw).filter(([, value]) => value !== ""));
  const exportHref = `/api/v1/audit?${new URLSearchParams([...filters, ["format", "jsonl"]])}`;
  const kinds = AUDIT_OBJECT_TYPES.filter((type) => AUDIT_ACTION_NAMES.some((name) => AUDIT_ACTIONS[name].object === type));

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Administration</h1>
        <p className="mt-1 text-sm text-slate-600">Every change, sign-in and failed sign-in: who, how, from where, when, on what, and what changed.</p>
      </div>
      <AdminNav current="/admin/audit" />

      <section aria-labelledby="audit-filters-title" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="audit-filters-title" className="sr-only">
          Filters
        </h2>
        <form method="get" action="/admin/audit" className="grid gap-4 sm:grid-cols-3 lg:grid-cols-6 lg:items-end">
          <Field label="Who (email)" htmlFor="audit-actor">
            <TextInput id="audit-actor" name="actor" defaultValue={raw.actor} placeholder="alice@example.com" />
          </Field>
          <Field label="Action" htmlFor="audit-action">
            <Select id="audit-action" name="action" defaultValue={raw.action}>
              <option value="">Any</option>
              {kinds.map((kind) => (
                <optgroup key={kind} label={kind}>
                  <option value={kind}>Any {kind} action</option>
                  {AUDIT_ACTION_NAMES.filter((name) => AUDIT_ACTIONS[name].object === kind).map((name) => (
                    <option key={name} value={name}>
                      {AUDIT_ACTIONS[name].label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </Select>
          </Field>
          <Field label="Object (id, name or email)" htmlFor="audit-object">
            <TextInput id="audit-object" name="object" defaultValue={raw.object} />
          </Field>
          <Field label="From (UTC)" htmlFor="audit-from">
            <TextInput id="audit-from" name="from" type="date" defaultValue={raw.from} />
          </Field>
          <Field label="To (UTC, included)" htmlFor="audit-to">
            <TextInput id="audit-to" name="to" type="date" defaultValue={raw.to} />
          </Field>
          <div className="flex gap-2">
            <button type="submit" className={buttonClass("primary")}>
              <Filter className="size-4" /> Filter
            </button>
            <Link href="/admin/audit" className={buttonClass("secondary")}>
              Clear
            </Link>
          </div>
        </form>
        {parsed.success ? null : (
          <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {parsed.error.issues[0]?.message ?? "These filters are not valid."} Showing every event instead.
          </p>
        )}
      </section>

      <section aria-labelledby="audit-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-4">
          <div>
            <h2 id="audit-title" className="text-base font-semibold text-slate-900">
              Events
            </h2>
            <p className="text-sm text-slate-500">Newest first. The trail is append-only: nothing here can be changed or removed.</p>
          </div>
          <a href={exportHref} className={buttonClass("secondary")} download="hangar-audit.jsonl">
            <Download className="size-4" /> Export as JSON lines
          </a>
        </header>
        {page.value.items.length === 0 ? (
          <p className="px-6 py-12 text-center text-sm text-slate-600">No event matches these filters.</p>
        ) : (
          <AuditTable events={page.value.items} />
        )}
        {page.value.next ? (
          <nav aria-label="Older events" className="flex justify-end border-t border-slate-200 px-4 py-3 text-sm">
            <Link
              href={`/admin/audit?${new URLSearchParams([...filters, ["before", String(page.value.next)]])}`}
              className="font-medium text-brand-700 hover:text-brand-800"
            >
              Older events →
            </Link>
          </nav>
        ) : null}
      </section>
    </div>
  );
}
