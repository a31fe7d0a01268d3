import type { AuditEventView } from "@/lib/audit/view";

const show = (value: unknown) => (value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

/** The changed fields, one line each: before → after (or just the value, for an event with one side only). */
function Changes({ event }: { event: AuditEventView }) {
  const keys = [...new Set([...Object.keys(event.before ?? {}), ...Object.keys(event.after ?? {})])];
  if (keys.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <dl className="space-y-0.5 text-xs">
      {keys.map((key) => (
        <div key={key} className="flex flex-wrap gap-x-1">
          <dt className="font-medium text-slate-700">{key}:</dt>
          <dd className="break-all text-slate-600">
            {event.before && key in event.before ? <del className="text-red-700">{show(event.before[key])}</del> : null}
            {event.before && key in event.before && event.after && key in event.after ? " → " : null}
            {event.after && key in event.after ? <ins className="text-emerald-800 no-underline">{show(event.after[key])}</ins> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const VIA = { session: "session", token: "API token", system: "system" } as const;

export function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Audit events">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pl-4 pr-3 font-medium">
              Time (UTC)
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Actor
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Action
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Object
            </th>
            <th scope="col" className="px-3 py-2 pr-4 font-medium">
              Changes
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} className="border-t border-slate-100 align-top">
              <td className="whitespace-nowrap py-2.5 pl-4 pr-3 tabular-nums text-slate-600">
                <time dateTime={event.at}>{event.at.slice(0, 19).replace("T", " ")}</time>
              </td>
              <td className="px-3 py-2.5">
                <span className="block text-slate-900">{event.actor?.email ?? "system"}</span>
                <span className="block text-xs text-slate-600">
                  {VIA[event.via]}
                  {event.viaId && event.via === "token" ? ` ${event.viaId}` : ""}
                  {event.clientAddress ? ` from ${event.clientAddress}` : ""}
                </span>
              </td>
              <td className="px-3 py-2.5">
                <span className="block text-slate-900">{event.label}</span>
                <code className="text-xs text-slate-600">{event.action}</code>
              </td>
              <td className="px-3 py-2.5 text-slate-600">
                <span className="block">{event.object.type}</span>
                {event.object.id ? <code className="block text-xs">{event.object.id}</code> : null}
              </td>
              <td className="px-3 py-2.5 pr-4">
                <Changes event={event} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
