import { Search } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { InviteUserDialog } from "@/components/admin/users/invite-user-dialog";
import { UserActions } from "@/components/admin/users/user-actions";
import { UserStatus } from "@/components/admin/users/user-status";
import { relativeTime } from "@/components/catalog/format";
import { buttonClass } from "@/components/ui/button";
import { TextInput } from "@/components/ui/field";
import { listAccounts, transferCandidates } from "@/lib/accounts/list";
import { requireActor } from "@/app/(portal)/request-session";
import { db } from "@/lib/db/client";
import { humanBytes } from "@/lib/units";
import { uploadConfig } from "@/lib/uploads/config";

export const metadata: Metadata = { title: "Users" };

type Params = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
// A server component renders once per request: this is the request's time, for relative dates.
const requestTime = () => Date.now();

export default async function UsersPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  const params = await searchParams;
  const q = first(params.q)?.trim() ?? "";
  const [page, candidates] = await Promise.all([
    listAccounts(db(), actor, { q: q || undefined, page: first(params.page) ?? "1" }),
    transferCandidates(db(), actor),
  ]);
  if (!page.ok || !candidates.ok) forbidden();
  const { items, total, pageCount } = page.value;
  const defaultQuota = uploadConfig().userQuota;
  const defaultQuotaText = defaultQuota === null ? "no limit" : humanBytes(defaultQuota);
  const now = requestTime();
  const pageHref = (n: number) => `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(n) })}`;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Administration</h1>
        <p className="mt-1 text-sm text-slate-600">Add people, set their role and quota, disable, reset or delete accounts.</p>
      </div>
      <AdminNav current="/admin/users" />

      <section aria-labelledby="users-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <header className="flex flex-col gap-3 border-b border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 id="users-title" className="text-base font-semibold text-slate-900">
              Users <span className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{total.toLocaleString("en-US")}</span>
            </h2>
            <p className="text-sm text-slate-500">Every account; each row’s ⋯ menu edits, disables, resets or deletes it.</p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <form role="search" method="get" action="/admin/users" className="flex items-center gap-2">
              <label htmlFor="users-q" className="sr-only">
                Search users
              </label>
              <TextInput id="users-q" name="q" type="search" defaultValue={q} placeholder="Name or email" className="w-56" />
              <button type="submit" className={buttonClass("secondary")} aria-label="Search">
                <Search className="size-4" />
              </button>
            </form>
            <InviteUserDialog defaultQuota={defaultQuotaText} />
          </div>
        </header>
        {items.length === 0 ? (
          <p className="px-6 py-12 text-center text-sm text-slate-600">{q ? `No user’s name or email contains “${q}”.` : "No users yet."}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Users">
              <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pl-4 pr-3 font-medium">
                    User
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Role
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Status
                  </th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">
                    Images
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Storage
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Last sign-in
                  </th>
                  <th scope="col" className="w-12 py-2 pr-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((user) => {
                  const quota = user.quotaBytes ?? defaultQuota;
                  return (
                    <tr key={user.id} className="border-t border-slate-100">
                      <td className="py-2.5 pl-4 pr-3">
                        <span className="block font-medium text-slate-900">{user.name}</span>
                        <span className="block text-xs text-slate-600">{user.email}</span>
                      </td>
                      <td className="px-3 py-2.5">
                        <span
                          className={`rounded-full px-2 py-0.5 text-xs font-medium ${user.role === "admin" ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-600"}`}
                        >
                          {user.role === "admin" ? "administrator" : "user"}
                        </span>
                        {user.projectCreator && user.role !== "admin" ? (
                          <span className="mt-1 block text-xs text-slate-600" title="A single sign-on group lets this account create team projects.">
                            creates projects
                          </span>
                        ) : null}
                      </td>
                      <td className="px-3 py-2.5">
                        <UserStatus user={user} now={now} />
                      </td>
                      <td className="px-3 py-2.5 text-right tabular-nums text-slate-600">{user.imageCount}</td>
                      <td className="px-3 py-2.5 text-slate-600">
                        {humanBytes(user.usedBytes)} of {quota === null ? "no limit" : humanBytes(quota)}
                        {user.quotaBytes === null ? null : <span className="block text-xs text-slate-500">own quota</span>}
                      </td>
                      <td className="px-3 py-2.5 text-slate-600">
                        {user.lastSignInAt ? <time dateTime={user.lastSignInAt}>{relativeTime(user.lastSignInAt, now)}</time> : "never"}
                      </td>
                      <td className="py-2.5 pr-3 text-right">
                        <UserActions
                          user={user}
                          self={user.id === actor.id}
                          defaultQuota={defaultQuotaText}
                          others={candidates.value.filter((other) => other.email !== user.email)}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {pageCount > 1 ? (
          <nav aria-label="Pages of users" className="flex items-center justify-end gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-600">
            {page.value.page > 1 ? <Link href={pageHref(page.value.page - 1)}>Previous page</Link> : null}
            <span>
              Page {page.value.page} of {pageCount}
            </span>
            {page.value.page < pageCount ? <Link href={pageHref(page.value.page + 1)}>Next page</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
