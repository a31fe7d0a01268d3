"use client";

import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from "react";
import { type ImportTask, ImportTasks } from "@/lib/imports/client/import-tasks";

const ImportsContext = createContext<ImportTasks | null>(null);
const NONE: readonly ImportTask[] = [];

/** The imports of this tab (lib/imports/client), made once in the portal layout, with their tray. */
export function ImportsRoot({ children }: { children: ReactNode }) {
  const [tasks] = useState(() => new ImportTasks());
  useEffect(() => () => tasks.dispose(), [tasks]);
  return <ImportsContext.Provider value={tasks}>{children}</ImportsContext.Provider>;
}

export function useImports(): ImportTasks {
  const tasks = useContext(ImportsContext);
  if (!tasks) throw new Error("useImports outside ImportsRoot");
  return tasks;
}

export function useImportTasks(): readonly ImportTask[] {
  const tasks = useImports();
  return useSyncExternalStore(tasks.subscribe, tasks.getSnapshot, () => NONE);
}
