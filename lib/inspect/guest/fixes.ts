import { shellQuote } from "../commands";

/** The image a virt-sysprep or virt-customize fix names when the caller did not say which file it is. */
export const DEFAULT_IMAGE_NAME = "disk.img";

/** The virt-sysprep command (libguestfs) that runs `operations` on the image file, without booting it. */
export function sysprep(image: string, operations: string[], extra: string[] = []): string {
  return [`virt-sysprep -a ${shellQuote(image)} --operations ${operations.join(",")}`, ...extra].join(" ");
}

/** virt-customize deleting guest paths from the image file. */
export function deletePaths(image: string, paths: string[]): string {
  return [`virt-customize -a ${shellQuote(image)}`, ...paths.map((path) => `--delete ${shellQuote(path)}`)].join(" ");
}
