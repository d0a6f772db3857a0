#!/usr/bin/env bash
# test/fresh-debian.sh: run the README's two commands on a freshly bootstrapped Debian 12, the
# way a new user on a `debian:12` container or a new VM meets them (run by
# `./ns3tls test --fresh-debian`; needs root, debootstrap and the Debian archive; slow, so not
# part of the default test run).
#
#   1. debootstrap --variant=minbase bookworm into a throw-away directory (the minimal system:
#      no python3, no compiler, nothing of ns-3), from the archive this machine's apt uses;
#      the bootstrapped system is cached as a tarball so later runs skip the download;
#   2. copy the working tree in (tracked and untracked files, no build output);
#   3. inside a chroot (with /proc, /sys, /dev, /dev/pts): `./ns3tls demo`, then `./ns3tls test`,
#      each timed; both must exit 0;
#   4. unmount and remove the chroot (kept with --keep).
#
# Usage: test/fresh-debian.sh [--keep] [--no-cache]
# Environment: NS3TLS_CACHE (default ~/.cache/ns3tls), NS3TLS_DEBIAN_MIRROR (default: the
# first URI of this machine's bookworm apt sources, else http://deb.debian.org/debian).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NS3TLS_CACHE:-$HOME/.cache/ns3tls}"
KEEP=0
USE_CACHE=1
for a in "$@"; do
    case "$a" in
        --keep) KEEP=1 ;;
        --no-cache) USE_CACHE=0 ;;
        -h|--help) sed -n '2,/^set -uo/{/^set -uo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fresh-debian.sh: unknown argument '$a' (try --help)" >&2; exit 2 ;;
    esac
done

log() { printf '[fresh-debian] %s\n' "$*" >&2; }
fail() { printf 'fresh-debian.sh: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
        fail "apt-get install debootstrap failed"
}

mirror="${NS3TLS_DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
    mirror="$(grep -hs -A3 '^Types: deb$' /etc/apt/sources.list.d/*.sources |
              awk '/^URIs:/ {print $2; exit}')"
    [[ -n "$mirror" && "$mirror" != *security* ]] || mirror=http://deb.debian.org/debian
fi

CHROOT="$(mktemp -d "${TMPDIR:-/tmp}/ns3tls-fresh.XXXXXX")"
MOUNTS=()
cleanup() {
    local i
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null; done
    if [[ $KEEP -eq 0 ]]; then rm -rf --one-file-system "$CHROOT"; else log "kept $CHROOT"; fi
}
trap cleanup EXIT

T0=$SECONDS
tarball="$CACHE/bookworm-minbase.tar.gz"
if [[ $USE_CACHE -eq 1 && -f "$tarball" ]]; then
    log "unpacking the cached bookworm minbase"
    tar -xzf "$tarball" -C "$CHROOT" || fail "cannot unpack $tarball"
else
    log "debootstrap --variant=minbase bookworm from $mirror"
    debootstrap --variant=minbase bookworm "$CHROOT" "$mirror" >"$CHROOT.debootstrap.log" 2>&1 ||
        { tail -n 20 "$CHROOT.debootstrap.log" >&2; fail "debootstrap failed"; }
    rm -f "$CHROOT.debootstrap.log"
    mkdir -p "$CACHE"
    tar -czf "$tarball.tmp" -C "$CHROOT" . && mv "$tarball.tmp" "$tarball"
fi
t_boot=$((SECONDS - T0))

for m in proc sys dev dev/pts; do
    mount --bind "/$m" "$CHROOT/$m" || fail "cannot mount /$m in the chroot"
    MOUNTS+=("$CHROOT/$m")
done
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null

log "copying the working tree into /root/ns3-tls"
mkdir -p "$CHROOT/root/ns3-tls"
(cd "$ROOT" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) |
    tar -xf - -C "$CHROOT/root/ns3-tls" || fail "cannot copy the working tree"

status=0
run_step() {
    local name="$1" t=$SECONDS rc
    shift
    log "chroot: $*"
    chroot "$CHROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        TERM=dumb LANG=C.UTF-8 bash -c "cd /root/ns3-tls && $*" </dev/null
    rc=$?
    printf '%s|%s|%d\n' "$name" "$([[ $rc -eq 0 ]] && echo PASS || echo "FAIL (exit $rc)")" \
        $((SECONDS - t)) >>"$CHROOT/.steps"
    [[ $rc -eq 0 ]] || status=1
}
: >"$CHROOT/.steps"
run_step "./ns3tls demo" ./ns3tls demo
run_step "./ns3tls test" ./ns3tls test

echo
echo "================ ns3-tls on a fresh Debian 12 (bookworm minbase) ================"
printf '%-22s %-14s %s\n' step result seconds
printf '%-22s %-14s %d\n' "bootstrap" "done" "$t_boot"
while IFS='|' read -r name st secs; do printf '%-22s %-14s %d\n' "$name" "$st" "$secs"; done <"$CHROOT/.steps"
printf '%-22s %-14s %d\n' "total" "$([[ $status -eq 0 ]] && echo PASS || echo FAIL)" $((SECONDS - T0))
exit $status
