import type { GuestFs } from "../fs/guest-fs";

/** systemd's unit search path, highest priority first (systemd.unit(5)); /lib is the pre-usrmerge spelling. */
const UNIT_DIRS = ["/etc/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];
/** SysV and OpenRC start links, for guests without systemd. */
const SYSV_DIRS = ["/etc/rc2.d", "/etc/rc3.d", "/etc/rc5.d", "/etc/rcS.d", "/etc/rc.d/rc3.d", "/etc/rc.d/rc5.d"];
const OPENRC_DIRS = ["/etc/runlevels/default", "/etc/runlevels/boot", "/etc/runlevels/sysinit"];
const MAX_WANTS_DIRS = 1000;

export interface Enablement {
  enabled: boolean;
  /** The link that enables it, or the unit file that shows it is installed but off. */
  evidence: string | null;
  /** The target or runlevel that starts it. */
  by: string | null;
  /** The unit file or init script the link starts; null when the link points at nothing. */
  starts: string | null;
  masked?: boolean;
}

/**
 * Which services the guest starts at boot, read the way systemctl decides
 * "enabled": a link in a .wants/ or .requires/ directory of a unit directory
 * (or a unit linked to /dev/null: masked), else a SysV or OpenRC start link.
 */
export class GuestServices {
  private links: Promise<Map<string, { by: string; path: string }[]>> | null = null;

  constructor(private readonly guest: GuestFs) {}

  /** The unit file of `unit` in the unit search path, or null. */
  async unitFile(unit: string): Promise<string | null> {
    for (const dir of UNIT_DIRS) {
      const path = `${dir}/${unit}`;
      const stat = await this.guest.lstat(path);
      if (!stat) continue;
      if (stat.type === "symlink" && (await this.guest.readlink(path)) === "/dev/null") return null;
      if ((await this.guest.stat(path))?.type === "file") return path;
    }
    return null;
  }

  async masked(unit: string): Promise<boolean> {
    for (const dir of ["/etc/systemd/system", "/run/systemd/system"]) {
      if ((await this.guest.readlink(`${dir}/${unit}`)) === "/dev/null") return true;
    }
    return false;
  }

  /** The targets whose .wants/.requires directories link `unit`. */
  async wantedBy(unit: string): Promise<{ by: string; path: string }[]> {
    return (await this.wantsLinks()).get(unit) ?? [];
  }

  /** Whether one of `units` (systemd) or `sysvNames` (init scripts) starts at boot. */
  async enablement(units: string[], sysvNames: string[] = []): Promise<Enablement> {
    let installedOff: string | null = null;
    let masked = false;
    for (const unit of units) {
      if (await this.masked(unit)) {
        masked = true;
        continue;
      }
      const file = await this.unitFile(unit);
      if (!file) continue;
      const wanted = await this.wantedBy(unit);
      if (wanted.length > 0) return { enabled: true, evidence: wanted[0].path, by: wanted[0].by, starts: file };
      installedOff ??= file;
    }
    for (const name of sysvNames) {
      const link = await this.sysvLink(name);
      if (link) return { enabled: true, evidence: link.path, by: link.by, starts: await this.script(link.path) };
    }
    return { enabled: false, evidence: installedOff, by: null, starts: null, masked };
  }

  /** The init script a start link runs (the link itself when it is a copy), or null when it points at nothing. */
  async script(link: string): Promise<string | null> {
    return (await this.guest.stat(link))?.type === "file" ? this.guest.realpath(link) : null;
  }

  /** The SysV or OpenRC start link of `name`, whatever it points at. */
  async sysvLink(name: string): Promise<{ path: string; by: string } | null> {
    for (const dir of SYSV_DIRS) {
      for (const entry of (await this.guest.readdir(dir)) ?? []) {
        if (/^S\d\d/.test(entry.name) && entry.name.slice(3) === name) return { path: `${dir}/${entry.name}`, by: dir.replace(/^.*\//, "") };
      }
    }
    for (const dir of OPENRC_DIRS) {
      if (await this.guest.lstat(`${dir}/${name}`)) return { path: `${dir}/${name}`, by: `runlevel ${dir.replace(/^.*\//, "")}` };
    }
    return null;
  }

  private wantsLinks(): Promise<Map<string, { by: string; path: string }[]>> {
    this.links ??= (async () => {
      const links = new Map<string, { by: string; path: string }[]>();
      let dirs = 0;
      const seen = new Set<string>();
      for (const dir of UNIT_DIRS) {
        const canonical = await this.guest.realpath(dir);
        if (!canonical || seen.has(canonical)) continue;
        seen.add(canonical);
        for (const entry of (await this.guest.readdir(canonical)) ?? []) {
          const match = /^(.+)\.(wants|requires)$/.exec(entry.name);
          if (!match || ++dirs > MAX_WANTS_DIRS) continue;
          for (const link of (await this.guest.readdir(`${canonical}/${entry.name}`)) ?? []) {
            const list = links.get(link.name) ?? [];
            list.push({ by: match[1], path: `${dir}/${entry.name}/${link.name}` });
            links.set(link.name, list);
          }
        }
      }
      return links;
    })();
    return this.links;
  }
}
