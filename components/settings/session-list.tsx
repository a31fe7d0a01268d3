import type { SessionSummary } from "@/lib/auth/sessions";
import { relativeTime } from "../catalog/format";
import { EndSessionButton } from "./end-session-button";
import { describeUserAgent } from "./user-agent";

/** The user's live sessions: which browser, from where, when last seen; every one but this browser's can be ended. */
export function SessionList({ sessions, now }: { sessions: SessionSummary[]; now: number }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Sessions">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pl-4 pr-3 font-medium">
              Browser
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Address
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Signed in
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Last seen
            </th>
            <th scope="col" className="w-28 py-2 pr-3">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => {
            const browser = describeUserAgent(session.userAgent);
            return (
              <tr key={session.id} className="border-t border-slate-100">
                <td className="py-2.5 pl-4 pr-3">
                  <span className="font-medium text-slate-900" title={session.userAgent ?? undefined}>
                    {browser}
                  </span>
                </td>
                <td className="px-3 py-2.5 font-mono text-xs text-slate-600">{session.clientAddress ?? "unknown"}</td>
                <td className="px-3 py-2.5 text-slate-600">
                  <time dateTime={session.createdAt}>{relativeTime(session.createdAt, now)}</time>
                </td>
                <td className="px-3 py-2.5 text-slate-600">
                  <time dateTime={session.lastSeenAt}>{relativeTime(session.lastSeenAt, now)}</time>
                </td>
                <td className="py-2.5 pr-3 text-right">
                  {session.current ? (
                    <span className="inline-flex rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-inset ring-emerald-600/20">
                      This browser
                    </span>
                  ) : (
                    <EndSessionButton session={{ id: session.id, label: browser }} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
