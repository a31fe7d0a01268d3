export { humanBytes } from "@/lib/units";

export function humanMemory(mib: number | null): string {
  if (mib === null) return "—";
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}

const DISTRO_NAMES: Record<string, string> = {
  debian: "Debian",
  ubuntu: "Ubuntu",
  rhel: "RHEL",
  centos: "CentOS",
  almalinux: "AlmaLinux",
  rocky: "Rocky Linux",
  fedora: "Fedora",
  opensuse: "openSUSE",
  sles: "SLES",
  windows: "Windows",
  arch: "Arch Linux",
  alpine: "Alpine",
};

export function osLabel(image: { osDistro: string | null; osVersion: string | null; osType: string | null }): string {
  if (image.osDistro) return [DISTRO_NAMES[image.osDistro] ?? image.osDistro, image.osVersion].filter(Boolean).join(" ");
  if (image.osType) return image.osType === "windows" ? "Windows" : "Linux";
  return "—";
}

export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return new Date(iso).toISOString().slice(0, 10);
}
