#!/usr/bin/env bash
# tools/openssl35.sh: an OpenSSL >= 3.5 (ML-KEM, ML-DSA, SLH-DSA) for the module.
#
# Prints, on its last stdout line, the prefix CMake should use as NS3TLS_OPENSSL_ROOT:
#   - nothing (an empty line) when the system's OpenSSL headers are already >= 3.5;
#   - otherwise a cached build of Debian's OpenSSL 3.5 source package (the trixie suite), made
#     once: `apt-get source --download-only openssl=VER` from a throw-away apt config (a deb-src
#     line for trixie on the archive URI this system's apt already uses; the system's sources,
#     lists and caches are left alone), then `Configure no-shared no-module no-docs no-tests
#     no-apps -fPIC` (plus `enable-ec_nistp_64_gcc_128` where Debian's own packages enable it:
#     64-bit little-endian targets whose compiler has __int128; the constant-time 64-bit P-224,
#     P-384 and P-521 code, 4-7x faster than the generic one) and `make install_dev` into the
#     cache. Only static libraries (libssl.a, libcrypto.a) are installed: CMake links them into
#     libns3tls under a private symbol version, so a process that also loads the system's
#     libssl.so.3 (e.g. Python's ssl module) still sees each library's own symbols. Their calls
#     of time() and gettimeofday() are renamed (objcopy --redefine-sym) to ns3tls_openssl_time()
#     and ns3tls_openssl_gettimeofday(), which libns3tls defines (model/tls/tls-clock.cc): the
#     clock OpenSSL compares session and ticket times with is then the simulation's.
#
# The marker file PREFIX/.ns3tls-built holds "config <CONFIG_REV>" and the Configure options. A
# cached build with another CONFIG_REV (made by an older version of this script) is rebuilt;
# CMakeLists.txt (cmake/ns3tls-openssl.cmake) and ./ns3tls read CONFIG_REV from this file.
#
# Usage: tools/openssl35.sh [--check]      --check: only report, build nothing (exit 1 if missing)
#
# Environment:
#   NS3TLS_CACHE            cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/ns3tls)
#   NS3TLS_OPENSSL_VERSIONS Debian versions to try, in order (default 3.5.7-1~deb13u2 3.5.7-1 and
#                           then every 3.5.x that `apt-cache showsrc openssl` lists, newest first)
#   NS3TLS_DEBIAN_MIRROR    archive URI (default: the first one in the system's apt sources)
#   NS3TLS_JOBS             make -j (default min(2, nproc))
set -uo pipefail

CACHE="${NS3TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ns3tls}"
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1
log() { printf '[openssl35] %s\n' "$*" >&2; }
die() { printf 'openssl35: %s\n' "$*" >&2; exit 1; }
# Bump when the Configure options below (or the renamed symbols) change: cached builds with
# another value are rebuilt.
CONFIG_REV=3

# 1. The system's headers already 3.5+?  (OPENSSL_VERSION_NUMBER 0xMNN00000L)
sys_ver=$(printf '#include <openssl/opensslv.h>\nOPENSSL_VERSION_MAJOR OPENSSL_VERSION_MINOR\n' |
          cpp -P 2>/dev/null | tr -s ' ' | tail -1)
if [[ -n "$sys_ver" ]]; then
    read -r maj min <<<"$sys_ver"
    if [[ "$maj" =~ ^[0-9]+$ && "$min" =~ ^[0-9]+$ ]] && (( maj > 3 || (maj == 3 && min >= 5) )); then
        log "system OpenSSL $maj.$min is >= 3.5: using it"
        echo ""
        exit 0
    fi
fi

# One build at a time per cache (several checkouts may build at once): a second caller waits
# here and then finds the first one's build.
if [[ $CHECK -eq 0 ]] && command -v flock >/dev/null 2>&1; then
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.openssl35.lock"
    flock 9
fi

# 2. A cached build?
shopt -s nullglob
for d in "$CACHE"/openssl-3.5*/; do
    [[ -f "$d/.ns3tls-built" && -f "$d/lib/libssl.a" && -f "$d/lib/libcrypto.a" ]] || continue
    if [[ "$(head -1 "$d/.ns3tls-built")" != "config $CONFIG_REV" ]]; then
        log "cached ${d%/} was built with older options: rebuilding it"
        continue
    fi
    log "cached: ${d%/}"
    echo "${d%/}"
    exit 0
done
shopt -u nullglob
if [[ $CHECK -eq 1 ]]; then
    log "no OpenSSL >= 3.5: system has ${sys_ver:-none}, no current build in $CACHE (run tools/openssl35.sh)"
    exit 1
fi
command -v apt-get >/dev/null 2>&1 ||
    die "the system OpenSSL is older than 3.5 and apt-get is missing: install OpenSSL >= 3.5 and configure with -DNS3TLS_OPENSSL_ROOT=PREFIX"
for t in make perl cc tar; do
    command -v "$t" >/dev/null 2>&1 || die "missing $t (needed to build OpenSSL 3.5)"
done

# 3. Download Debian's source package (trixie) with a private apt config.
if [[ -n "${NS3TLS_DEBIAN_MIRROR:-}" ]]; then
    MIRROR="$NS3TLS_DEBIAN_MIRROR"
else
    MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
             grep -oE '(https?://[^ ]*debian)/?( |$)' | grep -v security | head -1 | tr -d ' ')
    MIRROR="${MIRROR:-http://deb.debian.org/debian}"
fi
APT="$CACHE/apt-trixie"
SRC="$CACHE/openssl-source"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$SRC"
echo "deb-src $MIRROR trixie main" >"$APT/sources.list"
opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o Acquire::Languages=none)
if [[ $(id -u) -eq 0 ]]; then
    opts+=(-o APT::Sandbox::User=root)
else
    opts+=(-o Debug::NoLocking=true)
fi
T0=$SECONDS
orig=$(ls "$SRC"/openssl_3.5*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
if [[ -z "$orig" ]]; then
    log "fetching the openssl source package list for trixie from $MIRROR"
    apt-get "${opts[@]}" -qq update >&2 || die "apt-get update (trixie deb-src) failed"
    listed=$(apt-cache "${opts[@]}" showsrc openssl 2>/dev/null | awk '/^Version: 3\.5/{print $2}' | sort -Vru)
    versions="${NS3TLS_OPENSSL_VERSIONS:-3.5.7-1~deb13u2 3.5.7-1 $listed}"
    for v in $versions; do
        log "trying openssl=$v"
        if (cd "$SRC" && apt-get "${opts[@]}" -qq source --download-only "openssl=$v" >&2); then
            break
        fi
        rm -f "$SRC"/openssl_"${v%%-*}"* 2>/dev/null
    done
    orig=$(ls "$SRC"/openssl_3.5*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
    [[ -n "$orig" ]] || die "no OpenSSL 3.5 source downloaded (tried: $versions)"
fi
upver=$(basename "$orig" | sed -E 's/^openssl_([0-9.]+)\.orig.*/\1/')
PREFIX="$CACHE/openssl-$upver"
log "source: $orig ($((SECONDS - T0)) s)"

# 4. Build once: static, position-independent, no docs/tests/apps/loadable modules.
WORK="$CACHE/openssl-build"
rm -rf "$WORK"
mkdir -p "$WORK"
tar -xf "$orig" -C "$WORK" --strip-components=1 || die "cannot unpack $orig"
nproc_=$(nproc 2>/dev/null || echo 1)
JOBS="${NS3TLS_JOBS:-$(( nproc_ < 2 ? nproc_ : 2 ))}"
config=(no-shared no-module no-docs no-tests no-apps -fPIC)
# As debian/rules does for amd64, arm64, ppc64el and riscv64 (OpenSSL's INSTALL.md: the option
# needs little-endian, tolerated misaligned access and a compiler defining __SIZEOF_INT128__).
case "$(uname -m)" in
    x86_64 | aarch64 | ppc64le | riscv64)
        cc -dM -E - </dev/null 2>/dev/null | grep -q '__SIZEOF_INT128__' &&
            config+=(enable-ec_nistp_64_gcc_128) ;;
esac
T1=$SECONDS
log "building OpenSSL $upver into $PREFIX (make -j$JOBS; takes a few minutes, once)"
(
    cd "$WORK" &&
    nice -n 10 ./Configure --prefix="$PREFIX" --libdir=lib --openssldir="$PREFIX/ssl" \
        "${config[@]}" >configure.log 2>&1 &&
    nice -n 10 make -j"$JOBS" build_libs >make.log 2>&1 &&
    make DESTDIR="$WORK/stage" install_dev >install.log 2>&1
) || { tail -20 "$WORK"/*.log >&2; die "OpenSSL build failed (logs in $WORK)"; }
# OpenSSL's clock reads go to libns3tls's simulated clock (see the header of this script).
for lib in "$WORK/stage$PREFIX/lib/libcrypto.a" "$WORK/stage$PREFIX/lib/libssl.a"; do
    objcopy --redefine-sym time=ns3tls_openssl_time \
            --redefine-sym gettimeofday=ns3tls_openssl_gettimeofday "$lib" ||
        die "objcopy could not rename OpenSSL's clock calls in $lib"
done
printf 'config %s\nConfigure %s\n' "$CONFIG_REV" "${config[*]}" >"$WORK/stage$PREFIX/.ns3tls-built"
# Replace an older build in one step: builds linking it never see it half-installed.
rm -rf "$PREFIX.old"
[[ -e "$PREFIX" ]] && mv "$PREFIX" "$PREFIX.old"
mv "$WORK/stage$PREFIX" "$PREFIX" || die "cannot move the build to $PREFIX"
rm -rf "$PREFIX.old" "$WORK"
log "built OpenSSL $upver in $((SECONDS - T1)) s"
echo "$PREFIX"
