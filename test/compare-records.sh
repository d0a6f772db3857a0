#!/usr/bin/env bash
# test/compare-records.sh: do two builds give the same records? For changes that must not
# change results (speed, refactoring): runs a fixed set of scenarios with two builds of
# tls-handshake-example and compares their CSV and timeline files byte for byte.
#
# Usage: test/compare-records.sh OLD_EXAMPLE NEW_EXAMPLE [--keep DIR]
#   e.g. build the previous commit in a git worktree, then
#   test/compare-records.sh /tmp/old/build/examples/tls-handshake-example build/examples/tls-handshake-example
# Exit 0 if every scenario's outputs are identical; 1 otherwise (the differing ones are named).
set -uo pipefail
[[ $# -ge 2 ]] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
OLD="$1"; NEW="$2"; shift 2
DIR="$(mktemp -d)"; KEEP=0
[[ "${1:-}" == "--keep" ]] && { DIR="$2"; KEEP=1; mkdir -p "$DIR"; }
[[ $KEEP -eq 1 ]] || trap 'rm -rf "$DIR"' EXIT

SCENARIOS=(
    "--tls=1.3 --handshakes=20"
    "--tls=1.2 --kx=rsa --handshakes=20 --rtt=10ms"
    "--tls=1.2 --loss=0.05 --resume=ticket --handshakes=60"
    "--tls=1.3 --key=p256 --early-data=200 --request=300 --response=2000 --resume=ticket --loss=0.03 --handshakes=60"
    "--tls=1.3 --loss-model=gilbert --burst=3 --loss=0.05 --client-auth --chain=2 --handshakes=60"
    "--tls=1.2 --kx=rsa --drop-s2c=1,2 --tcp=ns3 --handshakes=10"
    "--tls=1.3 --clients=50 --arrival=poisson --arrival-window=1s --server-cores=1 --server-speed=0.05"
    "--tls=1.2 --clients=300 --arrival=poisson --arrival-window=2s --loss=0.02 --resume=session-id --handshakes=2"
    "--tls=1.3 --clients=1000 --arrival=once --bandwidth=1Gbps"
)
status=0
i=0
for s in "${SCENARIOS[@]}"; do
    i=$((i + 1))
    for side in old new; do
        bin=$OLD; [[ $side == new ]] && bin=$NEW
        # shellcheck disable=SC2086
        "$bin" $s --csv="$DIR/$i.$side.csv" --timeline="$DIR/$i.$side.timeline.csv" >/dev/null 2>"$DIR/$i.$side.err" ||
            { echo "scenario $i: $side build failed: $s"; cat "$DIR/$i.$side.err"; status=1; continue 2; }
    done
    if cmp -s "$DIR/$i.old.csv" "$DIR/$i.new.csv" && cmp -s "$DIR/$i.old.timeline.csv" "$DIR/$i.new.timeline.csv"; then
        echo "same     $(md5sum <"$DIR/$i.new.csv" | cut -c1-12)  $s"
    else
        echo "DIFFERENT             $s"; status=1
    fi
done
exit $status
