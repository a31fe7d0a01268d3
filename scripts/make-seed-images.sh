#!/usr/bin/env bash
# Rebuilds the small disk images the development seed registers (committed under
# prisma/seed-images so that seeding needs no system tools). Needs qemu-img and sfdisk.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/prisma/seed-images"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# A 256 MiB raw disk with a GPT (EFI system partition + root), stored sparse as qcow2 / vmdk / raw.
truncate -s 256M "$work/disk.raw"
printf 'label: gpt\nsize=32MiB, type=uefi\ntype=linux\n' | sfdisk -q "$work/disk.raw"
qemu-img convert -f raw -O qcow2 -o cluster_size=4096 "$work/disk.raw" "$out/debian-12-genericcloud-amd64.qcow2"
qemu-img convert -f raw -O qcow2 -o cluster_size=4096 "$work/disk.raw" "$out/ubuntu-24.04-server-cloudimg-amd64.qcow2"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$work/disk.raw" "$out/alma-9-genericcloud-x86_64.vmdk"
# A tiny raw disk (64 KiB) with an MBR, for the private examples.
truncate -s 64K "$out/build-agent.raw"
printf 'label: dos\nstart=1, type=83\n' | sfdisk -q "$out/build-agent.raw"
ls -la "$out"
