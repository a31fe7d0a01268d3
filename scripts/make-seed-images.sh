#!/usr/bin/env bash
# Rebuilds the small disk images the development seed registers (committed under
# prisma/seed-images so that seeding needs no system tools). They are guest disks of the
# `guests` fixture family (scripts/fixtures/40-guests.sh: real partition tables and file systems
# holding a Debian, Ubuntu or RHEL tree with cloud-init and the virtio drivers), so that they pass
# validation like a real cloud image; the compressed formats keep them to a few hundred KiB.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/prisma/seed-images"
source "$root/scripts/test-dir.sh"
export HANGAR_FIXTURES="${HANGAR_FIXTURES:-$HANGAR_TEST_DIR/fixtures}"
bash "$root/scripts/fixtures/build.sh" >/dev/null
guests="$HANGAR_FIXTURES/guests"
if [ -f "$guests/.skipped" ]; then echo "the guests fixtures could not be built: $(cat "$guests/.skipped")" >&2; exit 1; fi
rm -f "$out"/*
cp "$guests/debian12-gpt-ext4.zlib.qcow2" "$out/debian-12-genericcloud-amd64.qcow2"
cp "$guests/ubuntu2404-gpt-btrfs.zlib.qcow2" "$out/ubuntu-24.04-server-cloudimg-amd64.qcow2"
cp "$guests/rhel9-gpt-xfs.stream.vmdk" "$out/rhel-9.3-x86_64-kvm.vmdk"
cp "$guests/debian12-gpt-ext4.zstd.qcow2" "$out/build-agent.qcow2"
ls -la "$out"
