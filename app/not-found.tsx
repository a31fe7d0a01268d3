import { SearchX } from "lucide-react";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-24 text-center">
      <SearchX className="mx-auto size-12 text-slate-300" />
      <p className="mt-4 text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-1 text-2xl font-semibold text-slate-900">Nothing here</h1>
      <p className="mt-2 text-sm text-slate-600">This image does not exist, or it is not yours to see.</p>
      <Link href="/images" className={buttonClass("primary", "mt-6")}>
        Back to images
      </Link>
    </div>
  );
}
