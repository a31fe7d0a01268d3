import { CircleAlert, CircleCheck, CircleMinus, CircleX } from "lucide-react";
import { reportSchema } from "@/lib/api/schemas";
import type { Check } from "@/lib/inspect/report";
import { FixCommand } from "./fix-command";

const AREAS: Record<string, string> = {
  upload: "Upload integrity",
  validation: "Validation",
  format: "Format and safety",
  guest: "Guest operating system",
  // Headings for Linux and Windows alike: GRUB on one, the Windows Boot Manager and its BCD's loader on the other.
  boot: "Firmware and boot loader",
  virtio: "KVM readiness (virtio)",
  cloudinit: "First-boot setup (cloud-init, Cloudbase-Init)",
  hygiene: "Generalization",
  network: "Network",
  tools: "Other hypervisors' tools",
};

const ICONS = {
  pass: <CircleCheck className="size-5 text-emerald-600" aria-label="pass" />,
  warn: <CircleAlert className="size-5 text-amber-500" aria-label="warning" />,
  fail: <CircleX className="size-5 text-red-600" aria-label="fail" />,
  skip: <CircleMinus className="size-5 text-slate-400" aria-label="skipped" />,
};

function groupByArea(checks: Check[]): [string, Check[]][] {
  const groups = new Map<string, Check[]>();
  for (const check of checks) {
    const area = check.id.split(".")[0] ?? "other";
    groups.set(area, [...(groups.get(area) ?? []), check]);
  }
  return [...groups.entries()];
}

/** The stored inspection report as a checklist grouped by area, each fix with a copy button. */
export function ValidationReport({ report, status, progress = 0 }: { report: unknown; status: string; progress?: number }) {
  const parsed = reportSchema.safeParse(report);
  if (status === "validating") {
    return (
      <div className="space-y-2">
        <p className="text-sm text-slate-600">Hangar is checking this image; the report appears here when it is done.</p>
        <div
          className="h-1.5 max-w-md overflow-hidden rounded-full bg-amber-100"
          role="progressbar"
          aria-label="Validation progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress}
        >
          <div className="h-full rounded-full bg-amber-500 transition-[width] duration-500" style={{ width: `${Math.max(3, progress)}%` }} />
        </div>
      </div>
    );
  }
  if (!parsed.success) {
    return (
      <p className="text-sm text-slate-600">
        {status === "uploading"
          ? "The image is still uploading; Hangar checks it when its last byte arrives."
          : "No validation report is stored for this image."}
      </p>
    );
  }
  const { verdict, checks } = parsed.data;
  const failures = checks.filter((check) => check.status === "fail").length;
  const warnings = checks.filter((check) => check.status === "warn").length;
  return (
    <div className="space-y-5">
      <div className={`rounded-lg px-4 py-3 text-sm ${verdict === "accepted" ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}>
        {verdict === "accepted"
          ? warnings
            ? `Accepted, with ${warnings} warning${warnings > 1 ? "s" : ""} worth fixing.`
            : "Accepted: every check passed."
          : `Rejected: ${failures} check${failures > 1 ? "s" : ""} failed. Fix ${failures > 1 ? "them" : "it"} with the commands below and upload the image again.`}
      </div>
      {groupByArea(checks).map(([area, group]) => (
        <div key={area}>
          <h3 className="text-sm font-semibold text-slate-900">{AREAS[area] ?? area}</h3>
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200">
            {group.map((check) => (
              <li key={check.id} className="flex gap-3 px-3 py-2.5" data-check={check.id} data-code={check.code} data-status={check.status}>
                <span className="mt-0.5 shrink-0">{ICONS[check.status]}</span>
                <div className="min-w-0 flex-1">
                  <p className="text-sm text-slate-800">{check.message}</p>
                  <p className="mt-0.5 font-mono text-xs text-slate-500">
                    {check.id} · {check.code}
                    {check.path ? (
                      <>
                        {" "}
                        · <span className="text-slate-600">{check.path}</span>
                      </>
                    ) : null}
                  </p>
                  {check.fix && check.status !== "pass" ? <FixCommand command={check.fix} className="mt-2" /> : null}
                </div>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
