import type { RegistryHive } from "./registry-hive";

/**
 * The control set Windows boots with: SYSTEM\Select\Current names it (a hive on disk holds no
 * CurrentControlSet; that key exists only in a running system). Null when Select or the set it
 * names is missing.
 */
export async function currentControlSet(system: RegistryHive): Promise<string | null> {
  const current = await (await system.key("Select"))?.dword("Current");
  if (current == null || current < 1 || current > 999) return null;
  const name = `ControlSet${String(current).padStart(3, "0")}`;
  return (await system.key(name)) ? name : null;
}
