import { ShieldX } from "lucide-react";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md py-24 text-center">
      <ShieldX className="mx-auto size-12 text-slate-300" />
      <p className="mt-4 text-sm font-semibold text-brand-600">403</p>
      <h1 className="mt-1 text-2xl font-semibold text-slate-900">This page is for administrators</h1>
      <p className="mt-2 text-sm text-slate-600">Your account can browse the catalog and manage its own images, but not curate the platform catalog.</p>
      <Link href="/images" className={buttonClass("primary", "mt-6")}>
        Back to images
      </Link>
    </div>
  );
}
