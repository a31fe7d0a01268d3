#!/usr/bin/env bash
# A single-node Ceph with an S3 endpoint (one monitor, one OSD, one RGW, no manager) in DIR, in the
# foreground until SIGTERM/SIGINT.
#   scripts/cluster/ceph.sh DIR [--port PORT] [--bluestore SIZE]
# The OSD keeps objects in memory (memstore, the default: starts in about a second, gone when it
# stops) or, with --bluestore SIZE (e.g. 20G), in BlueStore on a sparse file DIR/osd/block (kept
# across runs of the same DIR). Installs the Debian packages when missing. Prints the S3 settings
# (HANGAR_S3_ENDPOINT, keys, region, path-style; the bucket "hangar" exists), then "ready".
# Tuned for tests and trying things out (one copy of every object, no authentication between
# daemons): not for data you keep.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${1:?usage: ceph.sh DIR [--port PORT] [--bluestore SIZE]}"
shift
port=""
store=memstore
size=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --bluestore) store=bluestore; size="$2"; shift 2 ;;
    *) fail "unknown option $1" ;;
  esac
done
need_packages ceph-mon=ceph-mon ceph-osd=ceph-osd radosgw=radosgw ceph=ceph-common curl=curl setpriv=util-linux python3=python3 uuidgen=uuid-runtime
[ -n "$port" ] || port="$(free_port)"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
# memstore loses every object when the OSD stops, and the monitor would wait for them forever:
# with it, each start makes a new cluster. A BlueStore cluster is started again as it was.
if [ "$store" = memstore ] || ! grep -q "^osd_objectstore = bluestore" "$dir/ceph.conf" 2>/dev/null; then
  rm -rf "$dir/ceph.conf" "$dir/mon" "$dir/osd" "$dir/rgw" "$dir/keyring" "$dir/monmap"
fi
: >"$dir/env"
mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd" "$dir/rgw"
conf="$dir/ceph.conf"
# The access key is fixed, the secret made once per directory: the cluster only listens on loopback.
[ -f "$dir/s3-secret" ] || head -c 30 /dev/urandom | base64 | tr -d '/+=' >"$dir/s3-secret"
access_key=HANGARLOCALACCESSKEY
secret_key="$(cat "$dir/s3-secret")"

if [ ! -f "$conf" ]; then
  mon_port="$(free_port)"
  fsid="$(uuidgen)"
  # Settings measured in the scale-out notes: no cephx, a fast paxos, one replica, few placement groups.
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$mon_port]
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc secure
paxos_propose_interval = 0.05
mon_allow_pool_size_one = true
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
run_dir = $dir/run
admin_socket = $dir/run/\$name.asok
log_file = $dir/log/\$name.log
keyring = $dir/keyring
mon_data = $dir/mon/\$id
osd_data = $dir/osd/\$id
rgw_data = $dir/rgw

[mon.a]
mon_data_avail_crit = 0

[osd.0]
osd_objectstore = $store
memstore_device_bytes = 4294967296
bluestore_block_path = $dir/osd/block
bluestore_block_create = true
bluestore_block_size = ${size:-0}
osd_memory_target = 536870912
bluestore_cache_autotune = false
bluestore_cache_size = 134217728

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:$port tcp_nodelay=1
rgw_dns_name = 127.0.0.1
# A deleted object's data waits for RGW's garbage collector, by default 2 hours after the deletion and in
# passes an hour apart. memstore holds that data in memory, capped at memstore_device_bytes, and a full OSD
# blocks every write without an error: two 1 GiB uploads deleted and made again filled it, and the next
# PATCH waited forever (issue 13). The data of a deletion goes after 10 s here (a read still streaming
# the object then fails), collected every 5 s.
rgw_gc_obj_min_wait = 10
rgw_gc_processor_period = 5
EOF
  monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >"$dir/log/setup.log" 2>&1
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >>"$dir/log/setup.log" 2>&1
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" >>"$dir/log/setup.log" 2>&1 || fail "ceph-mon --mkfs failed (see $dir/log/setup.log)"
else
  # A second run of the same directory: the RGW port may differ, the rest is kept.
  sed -i "s/^rgw_frontends = .*/rgw_frontends = beast endpoint=127.0.0.1:$port tcp_nodelay=1/" "$conf"
fi

ceph_() { timeout 20 ceph -c "$conf" "$@"; }

daemon "$dir/log/mon.out" TERM ceph-mon -c "$conf" -i a -f
wait_for "the Ceph monitor" 30 ceph_ mon stat

if [ ! -f "$dir/osd/0/whoami" ]; then
  osd_uuid="$(uuidgen)"
  ceph_ osd new "$osd_uuid" 0 >>"$dir/log/setup.log" 2>&1 || fail "ceph osd new failed (see $dir/log/setup.log)"
  mkdir -p "$dir/osd/0"
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/setup.log" 2>&1 || fail "ceph-osd --mkfs failed (see $dir/log/setup.log)"
fi
daemon "$dir/log/osd.out" TERM ceph-osd -c "$conf" -i 0 -f
osd_up() { ceph_ osd dump | grep -q '^osd.0 up'; }
wait_for "the Ceph OSD" 60 osd_up

daemon "$dir/log/rgw.out" TERM radosgw -c "$conf" -n client.rgw.a -f
wait_for "the RADOS gateway" 60 port_open "$port"

if ! timeout 30 radosgw-admin -c "$conf" user info --uid hangar >/dev/null 2>&1; then
  timeout 30 radosgw-admin -c "$conf" user create --uid hangar --display-name Hangar --access-key "$access_key" --secret "$secret_key" \
    >>"$dir/log/setup.log" 2>&1 || fail "radosgw-admin user create failed (see $dir/log/setup.log)"
fi
endpoint="http://127.0.0.1:$port"
# RGW's zone group is "default"; the bucket is made with the S3 API itself (curl signs SigV4, and
# RGW wants the payload's hash among the signed headers, which curl 7.88 does not add by itself).
s3_status="$(curl -s -o "$dir/log/bucket.out" -w '%{http_code}' --aws-sigv4 "aws:amz:default:s3" --user "$access_key:$secret_key" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$endpoint/hangar")"
[ "$s3_status" = 200 ] || [ "$s3_status" = 409 ] || fail "creating the bucket answered $s3_status: $(cat "$dir/log/bucket.out")"

announce "HANGAR_S3_ENDPOINT=$endpoint" "HANGAR_S3_BUCKET=hangar" "HANGAR_S3_REGION=default" "HANGAR_S3_FORCE_PATH_STYLE=true" \
  "HANGAR_S3_ACCESS_KEY_ID=$access_key" "HANGAR_S3_SECRET_ACCESS_KEY=$secret_key"
serve
