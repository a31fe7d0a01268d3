// Disk-image and compression extensions a download usually carries; stripped for the suggested name.
const IMAGE_EXTENSIONS = /\.(qcow2?|img|raw|vmdk|vhdx?|vdi|qed|iso|bin|disk)$/i;
const COMPRESSION_EXTENSIONS = /\.(gz|xz|zst|bz2|zip)$/i;

/** "debian-12-genericcloud-amd64.qcow2" -> "debian-12-genericcloud-amd64": the name an image is offered under. */
export function imageNameFromFileName(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? fileName;
  const stripped = base.replace(COMPRESSION_EXTENSIONS, "").replace(IMAGE_EXTENSIONS, "");
  return (stripped || base).trim().slice(0, 255);
}
