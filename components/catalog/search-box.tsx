"use client";

import { Search } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/** Server-side search: typing updates this list's `prefix.q` in the URL (debounced) and goes back to page 1. */
export function SearchBox({ prefix, label }: { prefix: string; label: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [value, setValue] = useState(params.get(`${prefix}.q`) ?? "");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function apply(text: string) {
    const next = new URLSearchParams(params.toString());
    if (text.trim()) next.set(`${prefix}.q`, text.trim());
    else next.delete(`${prefix}.q`);
    next.delete(`${prefix}.page`);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  }

  return (
    <form
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        clearTimeout(timer.current);
        apply(value);
      }}
      className="relative w-full sm:w-64"
    >
      <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-slate-400" />
      <input
        type="search"
        aria-label={label}
        placeholder="Search by name"
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          clearTimeout(timer.current);
          const text = event.target.value;
          timer.current = setTimeout(() => apply(text), 300);
        }}
        className="block w-full rounded-md border-0 bg-white py-1.5 pl-8 pr-3 text-sm shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 focus:outline-none"
      />
    </form>
  );
}
