#!/usr/bin/env bash
# ceph-rgw.sh: a throwaway single-node Ceph (Debian's Pacific packages) with an RGW S3 endpoint on
# 127.0.0.1, for tests and benches. No systemd, no cephx, no root needed at run time; data is
# throwaway. Adapted from the team's measured reference harness (shared notes, s3-ceph-rgw.md).
#
#   ceph-rgw.sh install                 apt-get ceph-mon ceph-osd radosgw (root or sudo, once per machine)
#   ceph-rgw.sh start DIR [RGW_PORT]    new cluster in DIR (must not hold one); prints S3_* lines, also in DIR/s3.env
#   ceph-rgw.sh stop DIR [--purge]      SIGKILL the daemons listed in DIR/run/*.pid; --purge also removes DIR
#
# env: OBJECTSTORE=memstore|bluestore (default memstore: every byte lives in OSD RAM, 1-2 s start;
#      bluestore: a sparse file in DIR, ~5 s start), STORE_GB (default 4; a full memstore makes PUTs
#      hang, so size it for the whole run), S3_ACCESS_KEY, S3_SECRET_KEY, MON_PORT,
#      READY_TIMEOUT (s, default 60), TRACE=1 (step timings on stderr)
set -euo pipefail
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
T0=$(date +%s%3N); step() { [ -z "${TRACE:-}" ] || echo "+$(( $(date +%s%3N) - T0 )) ms $*" >&2; }

cmd=${1:-}; D=${2:-}
case "$cmd" in
install)
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends ceph-mon ceph-osd radosgw ;;
start)
  [ -n "$D" ] || { echo "usage: $0 start DIR [RGW_PORT]" >&2; exit 2; }
  for b in ceph ceph-mon ceph-osd radosgw radosgw-admin monmaptool uuidgen python3; do
    command -v "$b" >/dev/null || { echo "ceph-rgw: '$b' not found; run: $0 install" >&2; exit 1; }
  done
  [ ! -e "$D/ceph.conf" ] || { echo "$D already holds a cluster; stop --purge it first" >&2; exit 1; }
  mkdir -p "$D"/{mon/a,osd/0,run,log,rgw}; D=$(cd "$D" && pwd)
  trap 'echo "ceph-rgw: start failed, logs in $D/log" >&2; "$0" stop "$D"' ERR
  RGW_PORT=${3:-$(freeport)}; MON_PORT=${MON_PORT:-$(freeport)}
  AK=${S3_ACCESS_KEY:-TESTACCESSKEY0000001}; SK=${S3_SECRET_KEY:-testsecretkey000000000000000000000000001}
  GB=${STORE_GB:-4}; FSID=$(uuidgen); OSD_UUID=$(uuidgen)
  export CEPH_CONF="$D/ceph.conf"   # every ceph tool below reads this (a stale one from the caller would not exist)
  cat > "$CEPH_CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
# radosgw defaults ms_mon_client_mode to "secure", which cannot work without cephx (it hangs 300 s)
ms mon client mode = crc
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
mon data = $D/mon/\$id
osd data = $D/osd/\$id
# default 1 s per map change; RGW creates ~7 pools, so its init took 8.9 s instead of ~0.2 s
paxos propose interval = 0.05
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
osd objectstore = ${OBJECTSTORE:-memstore}
memstore device bytes = $((GB << 30))
bluestore block path = $D/osd/\$id/block.file
bluestore block create = true
bluestore block size = $((GB << 30))
osd memory target = 939524096
[client.rgw.s3]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw
rgw thread pool size = 64
EOF
  monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$D/monmap" >/dev/null
  ceph-mon -i a --mkfs --monmap "$D/monmap"
  ceph-mon -i a                                   # forks once listening
  step mon up
  ceph osd new "$OSD_UUID" >/dev/null             # -> osd id 0
  ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" 2>"$D/log/osd-mkfs.err"
  step osd mkfs
  ceph-osd -i 0 2>>"$D/log/osd.0.stderr"          # forks after init; 'up' a moment later
  step osd started
  # waits for the OSD by itself; creates realm/zonegroup/zone, the first pools and the user
  timeout "${READY_TIMEOUT:-60}" radosgw-admin user create --uid=tester --display-name=tester --access-key="$AK" --secret-key="$SK" >"$D/user.json"
  step user created
  radosgw -n client.rgw.s3                        # forks at once (exit 0 means nothing); binds the port after init
  python3 - "$RGW_PORT" "${READY_TIMEOUT:-60}" <<'PY'
import sys, time, urllib.request
port, limit = sys.argv[1], float(sys.argv[2]); end = time.time() + limit
while True:
    try:
        r = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # anonymous ListBuckets
        if r.status == 200 and b"ListAllMyBucketsResult" in r.read(): break
    except Exception:
        pass
    if time.time() > end: sys.exit(f"RGW not answering on 127.0.0.1:{port} after {limit}s")
    time.sleep(0.1)
PY
  step rgw answering
  printf 'S3_ENDPOINT=http://127.0.0.1:%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\nS3_REGION=us-east-1\nCEPH_CONF=%s\n' \
    "$RGW_PORT" "$AK" "$SK" "$CEPH_CONF" | tee "$D/s3.env" ;;
stop)
  [ -n "$D" ] || { echo "usage: $0 stop DIR [--purge]" >&2; exit 2; }
  # Throwaway data, so SIGKILL. A graceful SIGTERM needs rgw, then osd, then mon (~6 s in all);
  # TERM to rgw and osd together hangs rgw for 120 s.
  pids=$(cat "$D"/run/*.pid 2>/dev/null || true)
  if [ -n "$pids" ]; then
    kill -9 $pids 2>/dev/null || true
    # a SIGKILLed daemon (reparented to PID 1) lingers as a zombie until reaped; it holds no port or RAM then
    for _ in $(seq 50); do ps -o stat= -p "${pids//$'\n'/,}" | grep -qv Z || break; sleep 0.1; done
  fi
  [ "${3:-}" != "--purge" ] || rm -rf "$D" ;;
*) echo "usage: $0 install | start DIR [RGW_PORT] | stop DIR [--purge]" >&2; exit 2 ;;
esac
