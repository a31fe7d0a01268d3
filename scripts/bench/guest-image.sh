#!/usr/bin/env bash
# Builds the benchmark guest for `npm run bench:inspect`: a full Debian 12 root made by debootstrap
# (with a kernel, its initramfs, cloud-init, openssh and the guest agent), put on a 4 GiB GPT disk
# (ESP + ext4 root) without mounting, as raw and qcow2. Everything lives in the cache directory
# (HANGAR_CACHE, default ~/.cache/hangar), never in the repository; a second run reuses it.
#   scripts/bench/guest-image.sh        prints the directory holding debian12.raw and debian12.qcow2
set -euo pipefail
cache="${HANGAR_CACHE:-${HOME:-/tmp}/.cache/hangar}/bench-guest"
mkdir -p "$cache"
root="$cache/debian12-root"
raw="$cache/debian12.raw"
if [ -f "$raw" ] && [ -f "$cache/debian12.qcow2" ]; then echo "$cache"; exit 0; fi
for tool in debootstrap mkfs.ext4 mkfs.vfat mcopy sfdisk qemu-img; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install debootstrap e2fsprogs dosfstools mtools fdisk qemu-utils)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "debootstrap needs root" >&2; exit 1; }

if [ ! -f "$root/.complete" ]; then
  rm -rf "$root"
  # debootstrap does not resolve virtual packages: python3-cryptography needs python3-cffi-backend named.
  packages=linux-image-amd64,initramfs-tools,python3-cffi-backend,systemd-sysv,cloud-init,cloud-guest-utils,qemu-guest-agent,openssh-server,ifupdown,isc-dhcp-client,grub-efi-amd64-bin,sudo,less,vim-tiny
  debootstrap --variant=minbase --include="$packages" bookworm "$root" http://deb.debian.org/debian >&2
  touch "$root/.complete"
fi

# What a cloud image has that debootstrap does not write: fstab, a DHCP interface, an ESP tree.
uuid=be0c0000-0000-4000-8000-000000000002
printf 'UUID=%s / ext4 rw,discard,errors=remount-ro 0 1\nUUID=BE0C-00E1 /boot/efi vfat umask=0077 0 1\n' "$uuid" >"$root/etc/fstab"
mkdir -p "$root/etc/network/interfaces.d" "$root/boot/efi"
printf 'auto eth0\niface eth0 inet dhcp\n' >"$root/etc/network/interfaces.d/eth0"
esp="$cache/esp"; rm -rf "$esp"; mkdir -p "$esp/EFI/BOOT" "$esp/EFI/debian"
cp "$root/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi" "$esp/EFI/debian/grubx64.efi" 2>/dev/null || echo MZ >"$esp/EFI/debian/grubx64.efi"
cp "$esp/EFI/debian/grubx64.efi" "$esp/EFI/BOOT/BOOTX64.EFI"

size_mib=4096
rm -f "$cache/root.img" "$cache/esp.img" "$raw"
mkfs.vfat -C -F 16 -i BE0C00E1 -n EFI "$cache/esp.img" $((64 * 1024)) >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -i "$cache/esp.img" "$esp"/* ::/
mkfs.ext4 -q -F -d "$root" -U "$uuid" -L debian-root "$cache/root.img" "$((size_mib - 66))M"
truncate -s "${size_mib}M" "$raw"
printf 'label: gpt\nstart=1MiB, size=64MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\nstart=65MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
  sfdisk -q --no-reread --no-tell-kernel "$raw" >/dev/null
dd if="$cache/esp.img" of="$raw" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$cache/root.img" of="$raw" bs=1M seek=65 conv=notrunc,sparse status=none
rm -f "$cache/root.img" "$cache/esp.img"
qemu-img convert -q -f raw -O qcow2 "$raw" "$cache/debian12.qcow2"
echo "$cache"
