"use client";

import { LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SignOutButton() {
  const router = useRouter();
  const signOutAndLeave = async () => {
    await signOut({ redirect: false });
    router.replace("/signin");
    router.refresh();
  };
  return (
    <button
      type="button"
      onClick={() => void signOutAndLeave()}
      className="inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm text-slate-300 hover:bg-white/10 hover:text-white"
    >
      <LogOut className="size-4" /> Sign out
    </button>
  );
}
