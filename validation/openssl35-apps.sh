#!/usr/bin/env bash
# validation/openssl35-apps.sh: an OpenSSL 3.5 *with* its `openssl` application, for the
# real-Linux reference harness (run-reference.py --openssl PREFIX): post-quantum TLS 1.3
# (X25519MLKEM768 key exchange, ML-DSA certificates) needs OpenSSL >= 3.5 on both the
# s_server and the tls-timer side.
#
# Builds from Debian's OpenSSL 3.5 source package (the trixie suite), the same source that
# tools/openssl35.sh fetches for the module: the cached tarball in $NS3TLS_CACHE/openssl-source
# if present, else `tools/openssl35.sh`'s way of fetching it (`apt-get source --download-only`
# from a throw-away apt config; the system's apt state is left alone).
# Static (no-shared): bin/openssl and tls-timer need no LD_LIBRARY_PATH inside the namespaces.
#
# Usage: validation/openssl35-apps.sh [PREFIX]
#   PREFIX  install prefix (default $NS3TLS_CACHE/openssl-VERSION-apps, e.g.
#           ~/.cache/ns3tls/openssl-3.5.7-apps); the last stdout line is PREFIX.
# Environment: NS3TLS_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/ns3tls), NS3TLS_JOBS
# (make -j, default min(2, nproc)).
# Takes ~5 min on 2 busy cores, once; then run
#   validation/run-reference.py --openssl PREFIX --configs tls13-mlkem768-mldsa65 ...
set -uo pipefail

CACHE="${NS3TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ns3tls}"
PREFIX="${1:-}"
log() { printf '[openssl35-apps] %s\n' "$*" >&2; }
die() { printf 'openssl35-apps: %s\n' "$*" >&2; exit 1; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

built() {
    if [[ -x "$1/bin/openssl" && -f "$1/.ns3tls-apps-built" ]]; then
        log "already built: $1 ($("$1/bin/openssl" version))"
        echo "$1"
        exit 0
    fi
}
if [[ -n "$PREFIX" ]]; then
    built "$PREFIX"
else
    for d in "$CACHE"/openssl-3.5*-apps; do built "$d"; done
fi
for t in make perl cc tar; do
    command -v "$t" >/dev/null 2>&1 || die "missing $t (needed to build OpenSSL 3.5)"
done

SRC="$CACHE/openssl-source"
orig=$(ls "$SRC"/openssl_3.5*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
if [[ -z "$orig" ]]; then
    # tools/openssl35.sh downloads the source into $SRC (and builds the module's static
    # libraries, which the module needs anyway).
    log "no cached OpenSSL 3.5 source in $SRC: fetching it with tools/openssl35.sh"
    NS3TLS_CACHE="$CACHE" "$HERE/../tools/openssl35.sh" >/dev/null || die "tools/openssl35.sh failed"
    orig=$(ls "$SRC"/openssl_3.5*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
    [[ -n "$orig" ]] || die "no OpenSSL 3.5 source in $SRC"
fi
upver=$(basename "$orig" | sed -E 's/^openssl_([0-9.]+)\.orig.*/\1/')
PREFIX="${PREFIX:-$CACHE/openssl-$upver-apps}"

# Own work dir: tools/openssl35.sh uses (and deletes) $CACHE/openssl-build.
WORK="$CACHE/openssl-apps-build"
rm -rf "$WORK" "$PREFIX"
mkdir -p "$WORK"
tar -xf "$orig" -C "$WORK" --strip-components=1 || die "cannot unpack $orig"
nproc_=$(nproc 2>/dev/null || echo 1)
JOBS="${NS3TLS_JOBS:-$(( nproc_ < 2 ? nproc_ : 2 ))}"
T1=$SECONDS
log "building OpenSSL $upver with apps into $PREFIX (make -j$JOBS, nice; takes a while, once)"
(
    cd "$WORK" &&
    nice -n 10 ./Configure --prefix="$PREFIX" --libdir=lib --openssldir="$PREFIX/ssl" \
        no-shared no-docs no-tests enable-ec_nistp_64_gcc_128 >configure.log 2>&1 &&
    nice -n 10 make -j"$JOBS" >make.log 2>&1 &&
    make install_sw install_ssldirs >install.log 2>&1
) || { tail -20 "$WORK"/*.log >&2; die "OpenSSL build failed (logs in $WORK)"; }
"$PREFIX/bin/openssl" version >&2 || die "built $PREFIX/bin/openssl does not run"
touch "$PREFIX/.ns3tls-apps-built"
rm -rf "$WORK"
log "built OpenSSL $upver (apps) in $((SECONDS - T1)) s"
echo "$PREFIX"
