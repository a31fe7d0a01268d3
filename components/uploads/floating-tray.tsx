"use client";

import { type ReactNode, useEffect, useRef, useState } from "react";
import { cn } from "../ui/cn";

/** The gap between a tray and the bottom of the window (bottom-4), kept below the last row scrolled clear of it. */
const GAP_PX = 16;

/**
 * A panel fixed at a bottom corner of every portal page (uploads at the right, imports at the left), with as
 * much room added at the end of the page: whatever it covers, the catalog's last rows and their actions
 * included, can be scrolled clear of it.
 */
export function FloatingTray({
  label,
  side,
  icon,
  title,
  actions,
  children,
}: {
  label: string;
  side: "left" | "right";
  icon: ReactNode;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const panel = useRef<HTMLElement>(null);
  const [height, setHeight] = useState(0);
  useEffect(() => {
    const element = panel.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.offsetHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <>
      <div aria-hidden="true" style={{ height: height + GAP_PX }} />
      <section
        ref={panel}
        aria-label={label}
        className={cn(
          "fixed bottom-4 z-30 w-[26rem] max-w-[calc(100vw-2rem)] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xl",
          side === "left" ? "left-4" : "right-4",
        )}
      >
        <header className="flex items-center gap-2 bg-slate-900 px-4 py-2.5 text-white">
          {icon}
          <h2 className="flex-1 text-sm font-medium">{title}</h2>
          {actions}
        </header>
        {children}
      </section>
    </>
  );
}
