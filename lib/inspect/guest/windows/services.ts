import type { GuestFs } from "../../fs/guest-fs";
import type { RegistryHive } from "../../registry";
import { guestPathOf, programOf, registryPath, windowsPath } from "./paths";

/** Service start types (Start): boot and system start with the kernel, automatic with the service manager. */
export const START = { boot: 0, system: 1, automatic: 2, manual: 3, disabled: 4 } as const;
/** Service types (Type): kernel and file-system drivers, and programs. */
export const SERVICE_TYPE = { kernelDriver: 1, fileSystemDriver: 2 } as const;

const START_WORDS = ["at boot (boot-start)", "with the kernel (system-start)", "automatically", "only on demand (manual)", "never (disabled)"];
export const startWords = (start: number | null) => (start !== null && start >= 0 && start < START_WORDS.length ? START_WORDS[start] : `with Start=${start}`);

export interface WindowsService {
  name: string;
  /** The service's key, as regedit shows it (the evidence). */
  key: string;
  type: number | null;
  start: number | null;
  delayed: boolean;
  imagePath: string | null;
  displayName: string | null;
  /** The program or driver file it starts, as a guest path on C: (null when it is elsewhere). */
  program: string | null;
  /** The same, as Windows names it. */
  programWindows: string | null;
  programPresent: boolean;
}

/** Services of the control set Windows boots with (SYSTEM\<ControlSetNNN>\Services), read on demand. */
export class ServiceTable {
  private readonly cache = new Map<string, Promise<WindowsService | null>>();

  constructor(
    private readonly system: RegistryHive,
    readonly controlSet: string,
    private readonly guest: GuestFs,
  ) {}

  get(name: string): Promise<WindowsService | null> {
    const key = name.toLowerCase();
    let found = this.cache.get(key);
    if (!found) {
      found = this.load(name);
      this.cache.set(key, found);
    }
    return found;
  }

  private async load(name: string): Promise<WindowsService | null> {
    const path = `${this.controlSet}\\Services\\${name}`;
    const key = await this.system.key(path);
    if (!key) return null;
    const type = await key.dword("Type");
    const imagePath = await key.string("ImagePath");
    const isDriver = type === SERVICE_TYPE.kernelDriver || type === SERVICE_TYPE.fileSystemDriver;
    // A driver without ImagePath is loaded from System32\drivers\<name>.sys.
    const programWindows = imagePath ? programOf(imagePath) : isDriver ? `System32\\drivers\\${key.name}.sys` : null;
    const program = programWindows ? guestPathOf(programWindows) : null;
    return {
      name: key.name,
      key: registryPath("SYSTEM", `${this.controlSet}\\Services\\${key.name}`),
      type,
      start: await key.dword("Start"),
      delayed: (await key.dword("DelayedAutostart")) === 1,
      imagePath,
      displayName: await key.string("DisplayName"),
      program,
      programWindows: program ? windowsPath(program) : programWindows,
      programPresent: program !== null && (await this.guest.stat(program))?.type === "file",
    };
  }
}
