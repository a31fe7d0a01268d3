"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { fetchUnfinishedUploads } from "@/lib/uploads/client/api";
import { UploadIntake } from "@/lib/uploads/client/intake";
import { LiveStatus } from "@/lib/uploads/client/live-status";
import { SENDING } from "@/lib/uploads/client/state";
import { rememberedUploads, tusTransport } from "@/lib/uploads/client/tus-transport";
import { UploadManager } from "@/lib/uploads/client/upload-manager";
import type { UploadLimits } from "@/lib/uploads/limits";
import { type Uploads, UploadsContext, useUploadsFigure } from "./uploads-context";

/** Leaving the page pauses the uploads; say so before it happens. */
function LeaveWarning() {
  const sending = useUploadsFigure((tasks) => tasks.some((task) => SENDING.includes(task.state.name)), false);
  useEffect(() => {
    if (!sending) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [sending]);
  return null;
}

/**
 * The browser upload client of this tab, made once and kept in the portal layout so that uploads go
 * on while the user moves between pages. It re-renders the page from the server when an image
 * appears or its status moves on, and continues uploads that stopped offline when the network is back.
 * The layout mounts the dialog and the tray beside it.
 */
export function UploadRoot({ limits, children }: { limits: UploadLimits; children: ReactNode }) {
  const router = useRouter();
  const [client] = useState<Omit<Uploads, "limits">>(() => {
    const live = new LiveStatus();
    const manager = new UploadManager({ transport: tusTransport(), live });
    const intake = new UploadIntake({
      start: (start) => manager.start(start),
      unfinished: fetchUnfinishedUploads,
      remembered: (file) => rememberedUploads(file),
    });
    return { manager, intake, live };
  });
  const uploads = useMemo<Uploads>(() => ({ ...client, limits }), [client, limits]);

  useEffect(() => {
    const refresh = () => router.refresh();
    const stopNotices = client.manager.onNotice(refresh);
    const stopChanges = client.live.onStatusChange(refresh);
    const online = () => client.manager.online();
    window.addEventListener("online", online);
    return () => {
      stopNotices();
      stopChanges();
      window.removeEventListener("online", online);
    };
  }, [client, router]);

  return (
    <UploadsContext.Provider value={uploads}>
      {children}
      <LeaveWarning />
    </UploadsContext.Provider>
  );
}
