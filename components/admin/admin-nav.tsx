import Link from "next/link";
import { cn } from "../ui/cn";

const TABS = [
  { href: "/admin", label: "Catalog" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/projects", label: "Projects" },
  { href: "/admin/audit", label: "Audit trail" },
] as const;

/** The administration's pages, as tabs under its heading. */
export function AdminNav({ current }: { current: (typeof TABS)[number]["href"] }) {
  return (
    <nav aria-label="Administration" className="flex gap-1 border-b border-slate-200">
      {TABS.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.href === current ? "page" : undefined}
          className={cn(
            "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
            tab.href === current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
          )}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
