import { AUDIT_ACTIONS, isAuditAction } from "@/lib/audit/actions";
import type { AuditEventView } from "@/lib/audit/query";
import { cn } from "../../ui/cn";

const MAX_VALUE = 120;

function show(value: unknown): string {
  const text = value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** Each field an event changed, as "field: before → after"; a creation shows its values, a deletion what was. */
function Changes({ event }: { event: AuditEventView }) {
  const keys = [...new Set([...Object.keys(event.before ?? {}), ...Object.keys(event.after ?? {})])];
  if (keys.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5">
      {keys.map((key) => (
        <li key={key} className="break-all font-mono text-xs">
          <span className="text-slate-500">{key}:</span>{" "}
          {event.before && key in event.before ? (
            <>
              <del className="text-red-700">{show(event.before[key])}</del>
              {event.after && key in event.after ? " → " : null}
            </>
          ) : null}
          {event.after && key in event.after ? <ins className="text-emerald-800 no-underline">{show(event.after[key])}</ins> : null}
        </li>
      ))}
    </ul>
  );
}

/** Events, newest first: when, who (and how, from where), what, on what, and what changed. */
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
              Who
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              What
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              On
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Changes
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.seq} className={cn("border-t border-slate-100 align-top", event.outcome === "failure" && "bg-red-50/40")}>
              <td className="whitespace-nowrap py-2.5 pl-4 pr-3 tabular-nums text-slate-600">
                <time dateTime={event.at}>{event.at.slice(0, 19).replace("T", " ")}</time>
              </td>
              <td className="px-3 py-2.5">
                <span className="block text-slate-900">{event.actor.email ?? (event.actor.via === "system" ? "Hangar" : "—")}</span>
                <span className="block text-xs text-slate-500">
                  {event.actor.via}
                  {event.actor.clientAddress ? ` from ${event.actor.clientAddress}` : ""}
                </span>
              </td>
              <td className="px-3 py-2.5">
                <span className={cn("block", event.outcome === "failure" ? "font-medium text-red-700" : "text-slate-900")}>
                  {isAuditAction(event.action) ? AUDIT_ACTIONS[event.action].label : event.action}
                </span>
                <code className="text-xs text-slate-500">{event.action}</code>
              </td>
              <td className="px-3 py-2.5">
                <span className="block break-all text-slate-900">{event.object.label ?? event.object.id ?? "—"}</span>
                <span className="block text-xs text-slate-500">{event.object.type}</span>
              </td>
              <td className="px-3 py-2.5">
                <Changes event={event} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
