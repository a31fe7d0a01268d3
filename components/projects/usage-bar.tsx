import { humanBytes } from "@/components/catalog/format";
import type { Usage } from "@/lib/catalog/usage";
import { cn } from "@/components/ui/cn";

/** Where a quota's bar turns amber, then red: early enough to act before an upload is refused. */
const WARN_AT = 0.8;
const FULL_AT = 0.95;

/**
 * A project's usage against its quota: a progressbar whose value and text say the same numbers, so
 * that a screen reader and the eye get them alike. Without a quota, the usage alone.
 */
export function UsageBar({ usage, label, className }: { usage: Usage; label: string; className?: string }) {
  const { usedBytes, limitBytes } = usage;
  const text = limitBytes === null ? `${humanBytes(usedBytes)} used, no quota` : `${humanBytes(usedBytes)} of ${humanBytes(limitBytes)} used`;
  if (limitBytes === null) return <p className={cn("text-sm text-slate-600", className)}>{text}</p>;
  const share = limitBytes === 0 ? 1 : Math.min(1, usedBytes / limitBytes);
  const percent = Math.round(share * 100);
  return (
    <div className={cn("min-w-48", className)}>
      <div className="flex items-baseline justify-between gap-3 text-xs">
        <span className="font-medium text-slate-700">{label}</span>
        <span className="text-slate-600">{percent}%</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
        className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={cn("h-full rounded-full", share >= FULL_AT ? "bg-red-600" : share >= WARN_AT ? "bg-amber-500" : "bg-brand-600")}
          style={{ width: `${percent}%` }}
        />
      </div>
      <p className="mt-1 text-xs text-slate-600">{text}</p>
    </div>
  );
}
