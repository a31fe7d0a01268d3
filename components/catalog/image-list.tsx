import { ArrowDown, ArrowUp, ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import type { ImagePage } from "@/lib/catalog/queries";
import type { SortKey } from "@/lib/catalog/image";
import type { ListQuery } from "@/lib/catalog/schemas";
import { ImageRow } from "./image-row";
import { listHref, type SearchParams } from "./list-params";
import { SearchBox } from "./search-box";
import type { RowModel } from "./types";

const COLUMNS: { key: SortKey; label: string; align?: "right" }[] = [
  { key: "name", label: "Name" },
  { key: "os", label: "OS" },
  { key: "format", label: "Format" },
  { key: "size", label: "Size", align: "right" },
  { key: "memory", label: "Min. memory", align: "right" },
  { key: "status", label: "Status" },
  { key: "updated", label: "Updated" },
];

/** A titled, searchable, sortable, paged image table whose state lives in the URL under `prefix`. */
export function ImageList({
  id,
  title,
  subtitle,
  prefix,
  path,
  params,
  query,
  page,
  rows,
  actions,
  filters,
  empty,
  showOwner = false,
}: {
  id: string;
  title: string;
  subtitle: string;
  prefix: string;
  path: string;
  params: SearchParams;
  query: ListQuery;
  page: ImagePage;
  rows: RowModel[];
  actions?: ReactNode;
  filters?: ReactNode;
  empty: ReactNode;
  showOwner?: boolean;
}) {
  const href = (changes: Parameters<typeof listHref>[3]) => listHref(path, params, prefix, changes);
  const first = (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.total, page.page * page.pageSize);
  // Past the count's cap (lib/catalog/page-total.ts) the total and the pages are lower bounds: "10,000+".
  const atLeast = (value: number) => `${value.toLocaleString("en-US")}${page.totalExact ? "" : "+"}`;
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="rounded-xl border border-slate-200 bg-white shadow-sm">
      <header className="flex flex-col gap-3 border-b border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {title} <span className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{atLeast(page.total)}</span>
          </h2>
          <p className="text-sm text-slate-500">{subtitle}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2 sm:shrink-0">
          {filters}
          <SearchBox prefix={prefix} label={`Search ${title}`} />
          {actions}
        </div>
      </header>
      {rows.length === 0 ? (
        <div className="px-6 py-12 text-center">{empty}</div>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label={title}>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                {COLUMNS.map((column, index) => {
                  const active = query.sort === column.key;
                  const nextDir = active && query.dir === "asc" ? "desc" : "asc";
                  return (
                    <th
                      key={column.key}
                      scope="col"
                      aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : "none"}
                      className={`${index === 0 ? "pl-4 pr-3" : "px-3"} py-2 font-medium ${column.align === "right" ? "text-right" : ""}`}
                    >
                      <Link
                        href={href({ sort: column.key, dir: nextDir, page: null })}
                        scroll={false}
                        className={`inline-flex items-center gap-1 hover:text-slate-900 ${active ? "text-slate-900" : ""}`}
                      >
                        {column.label}
                        {active ? query.dir === "asc" ? <ArrowUp className="size-3" /> : <ArrowDown className="size-3" /> : null}
                      </Link>
                    </th>
                  );
                })}
                <th scope="col" className="w-10 py-2 pr-3">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <ImageRow key={row.image.id} row={row} showOwner={showOwner} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.total > 0 ? (
        <nav aria-label={`${title} pages`} className="flex items-center justify-between border-t border-slate-200 px-4 py-2.5 text-sm text-slate-600">
          <span>
            {first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of {atLeast(page.total)}
          </span>
          <span className="flex items-center gap-1">
            <PageLink href={page.page > 1 ? href({ page: String(page.page - 1) }) : null} label="Previous page">
              <ChevronLeft className="size-4" />
            </PageLink>
            <span className="px-2 tabular-nums">
              Page {page.page} of {atLeast(page.pageCount)}
            </span>
            <PageLink href={page.page < page.pageCount ? href({ page: String(page.page + 1) }) : null} label="Next page">
              <ChevronRight className="size-4" />
            </PageLink>
          </span>
        </nav>
      ) : null}
    </section>
  );
}

function PageLink({ href, label, children }: { href: string | null; label: string; children: ReactNode }) {
  if (!href)
    return (
      <span aria-disabled className="rounded-md p-1.5 text-slate-300">
        {children}
      </span>
    );
  return (
    <Link href={href} scroll={false} aria-label={label} className="rounded-md p-1.5 hover:bg-slate-100 hover:text-slate-900">
      {children}
    </Link>
  );
}
