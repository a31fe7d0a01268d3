import type { AccountSummary } from "@/lib/accounts/list";
import { cn } from "../../ui/cn";

const STYLES = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  invited: "bg-amber-50 text-amber-800 ring-amber-600/20",
  disabled: "bg-slate-100 text-slate-600 ring-slate-500/20",
} as const;

const SOURCES = { local: null, oidc: "via OpenID Connect", ldap: "via LDAP" } as const;

/** Active, disabled, or invited (with when the link expires, or that it has); how a single sign-on account signs in. */
export function UserStatus({ user, now }: { user: AccountSummary; now: number }) {
  const link = user.passwordLinkExpiresAt;
  const note = user.status === "disabled" ? null : link ? `link until ${link.slice(0, 10)}` : user.status === "invited" ? "link expired" : null;
  const source = SOURCES[user.source];
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <span className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", STYLES[user.status])}>{user.status}</span>
      {note ? <span className={cn("text-xs", link && Date.parse(link) > now ? "text-slate-500" : "text-red-700")}>{note}</span> : null}
      {source ? <span className="text-xs text-slate-600">{source}</span> : null}
    </span>
  );
}
