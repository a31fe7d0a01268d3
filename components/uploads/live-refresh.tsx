"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While something on the page is still changing on the server (an image validating), re-renders it every few seconds. */
export function LiveRefresh({ active, intervalMs = 2000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, router]);
  return null;
}
