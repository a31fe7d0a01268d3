import { KeyRound } from "lucide-react";
import type { TokenSummary } from "@/lib/auth/tokens";
import { relativeTime } from "../catalog/format";
import { cn } from "../ui/cn";
import { RevokeTokenButton } from "./revoke-token-button";

const SCOPE_LABELS: Record<TokenSummary["scope"], string> = { full: "everything you may", read: "read only", upload: "upload and read" };

const STATE_STYLES: Record<TokenSummary["state"], string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  expired: "bg-amber-50 text-amber-800 ring-amber-600/20",
  revoked: "bg-slate-100 text-slate-600 ring-slate-500/20",
};

const day = (iso: string) => iso.slice(0, 10);

function expiry(token: TokenSummary, now: number): string {
  if (token.revokedAt) return `revoked ${day(token.revokedAt)}`;
  if (!token.expiresAt) return "never";
  const days = Math.ceil((new Date(token.expiresAt).getTime() - now) / 86_400_000);
  if (days <= 0) return `expired ${day(token.expiresAt)}`;
  return `${day(token.expiresAt)} (in ${days} ${days === 1 ? "day" : "days"})`;
}

/** The user's tokens: never the secret, only its first characters. */
export function TokenList({ tokens, now }: { tokens: TokenSummary[]; now: number }) {
  if (tokens.length === 0) {
    return (
      <div className="px-6 py-10 text-center">
        <KeyRound className="mx-auto size-9 text-slate-300" />
        <p className="mt-3 font-medium text-slate-900">No API tokens yet</p>
        <p className="mt-1 text-sm text-slate-600">
          Create one above to use the <code className="font-mono text-xs">hangar</code> command or the REST API.
        </p>
      </div>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="API tokens">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pl-4 pr-3 font-medium">
              Name
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Token
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Created
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Last used
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Expires
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Status
            </th>
            <th scope="col" className="w-20 py-2 pr-3">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id} className={cn("border-t border-slate-100", token.state !== "active" && "text-slate-500")}>
              <td className="py-2.5 pl-4 pr-3">
                <span className="font-medium text-slate-900">{token.name}</span>
                {token.scope !== "full" || token.project ? (
                  <span className="block text-xs text-slate-600">
                    {SCOPE_LABELS[token.scope]}
                    {token.project ? ` · only ${token.project.name}` : ""}
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2.5 font-mono text-xs">{token.prefix}…</td>
              <td className="px-3 py-2.5">
                <time dateTime={token.createdAt}>{relativeTime(token.createdAt, now)}</time>
              </td>
              <td className="px-3 py-2.5">{token.lastUsedAt ? <time dateTime={token.lastUsedAt}>{relativeTime(token.lastUsedAt, now)}</time> : "never"}</td>
              <td className="px-3 py-2.5">{expiry(token, now)}</td>
              <td className="px-3 py-2.5">
                <span className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", STATE_STYLES[token.state])}>
                  {token.state}
                </span>
              </td>
              <td className="py-2.5 pr-3 text-right">{token.state === "revoked" ? null : <RevokeTokenButton token={token} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
