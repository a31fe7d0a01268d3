import type { OsIdentity } from "../os-release";
import { alpine } from "./alpine";
import { arch } from "./arch";
import { debian } from "./debian";
import type { Family } from "./family";
import { gentoo } from "./gentoo";
import { rhel } from "./rhel";
import { suse } from "./suse";
import { unknown } from "./unknown";

export type { DistroFamily, Family } from "./family";

/** The families Hangar knows, in the order an os-release ID and ID_LIKE list is matched against them. */
export const FAMILIES: readonly Family[] = [debian, rhel, suse, arch, alpine, gentoo];

/** The family whose package manager and conventions the guest follows: the first that its ID or an ID_LIKE names. */
export function familyOf(os: OsIdentity | null): Family {
  if (!os) return unknown;
  const ids = [os.id, ...os.idLike];
  return FAMILIES.find((family) => ids.some((id) => family.matches(id))) ?? unknown;
}
