import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/portal/logo";
import { NavLink } from "@/components/portal/nav-link";
import { SignOutButton } from "@/components/portal/sign-out-button";
import { ImportTray } from "@/components/uploads/import-tray";
import { ImportsRoot } from "@/components/uploads/imports-context";
import { UploadDialog } from "@/components/uploads/upload-dialog";
import { UploadRoot } from "@/components/uploads/upload-root";
import { UploadTray } from "@/components/uploads/upload-tray";
import { requireActor, requestUploadLimits, requirePersonalProjectId } from "@/app/(portal)/request-session";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  const limits = await requestUploadLimits(await requirePersonalProjectId());
  return (
    <UploadRoot limits={limits}>
      <ImportsRoot>
        <div className="min-h-screen">
          <header className="bg-slate-900">
            <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4 sm:px-6">
              <Link href="/images" className="text-white">
                <Logo />
              </Link>
              <nav aria-label="Main" className="flex items-center gap-1">
                <NavLink href="/images">Images</NavLink>
                {actor.role === "admin" ? <NavLink href="/admin">Admin</NavLink> : null}
                <NavLink href="/settings">Settings</NavLink>
              </nav>
              <div className="ml-auto flex items-center gap-3">
                <span className="hidden text-right text-sm leading-tight text-slate-300 sm:block">
                  <span className="block text-white">{actor.name}</span>
                  <span className="block text-xs">
                    {actor.email}
                    {actor.role === "admin" ? " · admin" : ""}
                  </span>
                </span>
                <SignOutButton />
              </div>
            </div>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">{children}</main>
        </div>
        <UploadDialog />
        <UploadTray />
        <ImportTray />
      </ImportsRoot>
    </UploadRoot>
  );
}
