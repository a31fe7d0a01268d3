#!/usr/bin/env bash
# Every test Hangar has: types, unit and integration (Vitest: on SQLite, on PostgreSQL, against a Ceph
# RGW, the cluster scripts), the security suite, end to end (Playwright in Chromium). Installs what the
# tests need first: Debian packages for fixtures, the engines and the browser, npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A tools=(
  [qemu-img]=qemu-utils [mkfs.ext4]=e2fsprogs [mkfs.btrfs]=btrfs-progs [mkfs.xfs]=xfsprogs [sfdisk]=fdisk
  [cpio]=cpio [zstd]=zstd [lz4]=lz4 [xz]=xz-utils [bzip2]=bzip2 [zip]=zip [xorriso]=xorriso [mkudffs]=udftools
  [cryptsetup]=cryptsetup-bin [qemu-io]=qemu-utils [strace]=strace [python3]=python3 [mkfs.vfat]=dosfstools [mcopy]=mtools [mkntfs]=ntfs-3g
  [pvck]=lvm2 [thin_restore]=thin-provisioning-tools [mkswap]=util-linux [losetup]=mount [zsh]=zsh [script]=bsdutils [grub-mkimage]=grub-common
  [ntfs-3g]=ntfs-3g [fusermount]=fuse3 [setfattr]=attr [hivexregedit]=libwin-hivex-perl [virt-inspector]=libguestfs-tools
  # The engines the postgresql, s3 and cluster projects start (scripts/cluster/).
  [ceph-mon]=ceph-mon [ceph-osd]=ceph-osd [radosgw]=radosgw [ceph]=ceph-common [haproxy]=haproxy [curl]=curl [uuidgen]=uuid-runtime
  # The directory the LDAP sign-in tests start (lib/testing/slapd.ts); slapd and slapadd live in /usr/sbin.
  [/usr/sbin/slapd]=slapd [ldapsearch]=ldap-utils
  # Keys and signatures of the signed checksum files the import tests verify (lib/checksums/signature.test.ts).
  [gpg]=gnupg
  # The real Glance client the Glance API is tested with (lib/glance/glanceclient.test.ts, lib/glance/import.test.ts).
  [glance]=python3-glanceclient
  # gophercloud's tests build their Go program with Debian's Go (lib/testing/gophercloud.ts; the library itself is checked below);
  # openstack runs on a clouds.yaml against Identity v3 and in admin_token mode (lib/glance/openstackclient.test.ts)
  # and in the Glance upload benchmark (scripts/bench/glance-upload.ts).
  [go]=golang-go [openstack]=python3-openstackclient
)
missing=()
for tool in "${!tools[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("${tools[$tool]}"); done
# An independent tus client the upload tests resume with (lib/uploads/tuspy.test.ts), for Debian's own Python.
/usr/bin/python3 -c "import tusclient" >/dev/null 2>&1 || missing+=(python3-tuspy)
# GRUB's BIOS images (boot.img, and the modules grub-mkimage puts in core.img) for the guest disks' boot code.
[ -f /usr/lib/grub/i386-pc/boot.img ] || missing+=(grub-pc-bin)
# gophercloud, GOPATH-style sources that the Go program builds against offline (lib/testing/gophercloud.ts).
[ -d /usr/share/gocode/src/github.com/gophercloud/gophercloud ] || missing+=(golang-github-gophercloud-gophercloud-dev)
# PostgreSQL's server programs are not on PATH.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# Playwright's own Chromium is used when installed; Debian's otherwise.
if ! ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1 && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci: the lock file must be whole, as every deployment that runs npm ci needs it.
npm ci --no-audit --no-fund
# Both Prisma clients: SQLite's and PostgreSQL's.
npm run db:generate
npx tsc --noEmit -p .
npm run lint
# Integration tests start the production server, so the build comes first.
npx next build --webpack
npx vitest run
npx vitest run --config vitest.slow.config.ts
# The security suite: attacks against the production build (security/, its own Vitest config).
npm run test:security
npx playwright test
