#!/usr/bin/env bash
# test/in-tree.sh: build this module as contrib/tls inside an ns-3.37 source tree and run its tests
# there, the way an ns-3 user would (run by `./ns3tls test --in-tree`; slow, so not by default).
#
#   1. fetch the ns-3.37 source with `apt-get source` from a throw-away deb-src config (Debian
#      bookworm; environment.md, trap 10), cached, so later runs do not download again;
#   2. unpack ns-allinone-3.37/ns-3.37 into a work dir and copy this repo into contrib/tls;
#   3. ./ns3 configure -G Ninja --enable-tests --enable-examples --enable-modules="tls;csma"
#      --filter-module-examples-and-tests=tls: only tls and what it links (plus csma, see
#      configure_tree), and only tls's examples and tests;
#   4. build; ./test.py -s SUITE for every tls-* suite (tls-engine, tls-handshake, ...);
#      ./ns3 run "tls-handshake-example --handshakes=2".
#
# Usage: test/in-tree.sh [--clean] [--keep-going]
#   --clean       remove the unpacked tree and its build first (a from-scratch build)
#   --keep-going  run every step even after a failure (the exit status still reports it)
# Without --clean an existing tree is reused and only what changed is rebuilt.
#
# Environment:
#   NS3TLS_CACHE         cache dir (default ~/.cache/ns3tls): apt config, downloaded source, work dir
#   NS3TLS_INTREE_DIR    work dir for the unpacked tree (default $NS3TLS_CACHE/in-tree)
#   NS3TLS_JOBS          parallel build jobs (default: min(2, nproc))
#   NS3TLS_PYTHON        interpreter for ./ns3 and test.py (default /usr/bin/python3 if present)
#   NS3TLS_DEBIAN_MIRROR (default http://deb.debian.org/debian), NS3TLS_DEBIAN_SUITE (default bookworm)
#   NS3TLS_NS3_SOURCE    use this ns3_*.orig.tar.* (or an unpacked ns-3.xx dir) instead of downloading
#
# Needs: apt-get (Debian/Ubuntu) unless NS3TLS_NS3_SOURCE is given, tar, cmake, ninja, g++,
# libssl-dev, python3 -- what `./ns3tls setup` installs. Exit status 0 only if every step passed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NS3TLS_CACHE:-$HOME/.cache/ns3tls}"
WORK="${NS3TLS_INTREE_DIR:-$CACHE/in-tree}"
SRC_DL="$CACHE/ns3-source"
MIRROR="${NS3TLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${NS3TLS_DEBIAN_SUITE:-bookworm}"
NS3_VERSION=3.37
if [[ -n "${NS3TLS_PYTHON:-}" ]]; then
    PY="$NS3TLS_PYTHON"
elif [[ -x /usr/bin/python3 ]]; then
    PY=/usr/bin/python3
else
    PY="$(command -v python3 || true)"
fi
nproc_=$(nproc 2>/dev/null || echo 1)
JOBS="${NS3TLS_JOBS:-$(( nproc_ < 2 ? nproc_ : 2 ))}"
NICE=(nice -n 10)

CLEAN=0
KEEP_GOING=0
for a in "$@"; do
    case "$a" in
        --clean) CLEAN=1 ;;
        --keep-going) KEEP_GOING=1 ;;
        -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "in-tree.sh: unknown argument: $a (try --help)" >&2; exit 2 ;;
    esac
done

T0=$SECONDS
LOGS="$WORK/logs"
TREE="$WORK/ns-$NS3_VERSION"
STEPS=()      # "name|status|seconds"
FAILED=0

log() { printf '[in-tree] %s\n' "$*" >&2; }
fmt_time() { printf '%dm%02ds' $(( $1 / 60 )) $(( $1 % 60 )); }

summary() {
    local total=$(( SECONDS - T0 ))
    echo
    echo "================ ns3-tls in-tree (ns-$NS3_VERSION, contrib/tls) ================"
    printf '%-28s %-6s %s\n' step result time
    local s name st secs
    for s in "${STEPS[@]}"; do
        IFS='|' read -r name st secs <<<"$s"
        printf '%-28s %-6s %s\n' "$name" "$st" "$(fmt_time "$secs")"
    done
    if [[ -f "$LOGS/test-summary.txt" ]]; then
        echo "test.py:"
        sed 's/^/  /' "$LOGS/test-summary.txt"
    fi
    echo "tree: $TREE"
    echo "logs: $LOGS"
    echo "elapsed: $(fmt_time "$total") (jobs: $JOBS)"
    if [[ $FAILED -eq 0 ]]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; fi
}

# step NAME CMD...: run CMD with its output in $LOGS/NAME.log; record status and time.
step() {
    local name="$1"; shift
    if [[ $FAILED -ne 0 && $KEEP_GOING -eq 0 ]]; then
        STEPS+=("$name|skip|0")
        return 1
    fi
    local t=$SECONDS rc
    mkdir -p "$LOGS"
    log "$name ..."
    "$@" >"$LOGS/$name.log" 2>&1
    rc=$?
    if [[ $rc -eq 0 ]]; then
        STEPS+=("$name|ok|$(( SECONDS - t ))")
    else
        STEPS+=("$name|FAIL|$(( SECONDS - t ))")
        FAILED=1
        log "$name failed (exit $rc); last lines of $LOGS/$name.log:"
        tail -n 40 "$LOGS/$name.log" | sed 's/^/    /' >&2
    fi
    return $rc
}

finish() { summary; exit $(( FAILED ? 1 : 0 )); }

# ---------------------------------------------------------------------------------------------
check_tools() {
    local missing=() t
    for t in tar cmake ninja g++ "$PY"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    if [[ -z "${NS3TLS_NS3_SOURCE:-}" ]] && ! command -v apt-get >/dev/null 2>&1; then
        missing+=("apt-get (or set NS3TLS_NS3_SOURCE to an ns-3.37 tarball or tree)")
    fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "missing: ${missing[*]} (./ns3tls setup installs the build tools)"
        return 1
    fi
    echo "python: $PY ($("$PY" --version 2>&1)); cmake: $(cmake --version | head -1); jobs: $JOBS"
}

# Download ns3_<ver>.orig.tar.* with apt-get source from a deb-src line in a private apt config;
# the system's sources, lists and caches are left alone.
fetch_source() {
    local orig
    orig=$(ls "$SRC_DL"/ns3_"$NS3_VERSION".orig.tar.* 2>/dev/null | head -1)
    if [[ -n "$orig" ]]; then
        echo "cached: $orig"
        return 0
    fi
    local apt="$CACHE/apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$SRC_DL"
    echo "deb-src $MIRROR $SUITE main" >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
                -o Acquire::Languages=none)
    if [[ $(id -u) -eq 0 ]]; then
        opts+=(-o APT::Sandbox::User=root)   # the cache may be in /root, which _apt cannot write
    else
        opts+=(-o Debug::NoLocking=true)
    fi
    apt-get "${opts[@]}" update || return 1
    (cd "$SRC_DL" && apt-get "${opts[@]}" source --download-only ns3) || return 1
    orig=$(ls "$SRC_DL"/ns3_"$NS3_VERSION".orig.tar.* 2>/dev/null | head -1)
    [[ -n "$orig" ]] || { echo "no ns3_$NS3_VERSION.orig.tar.* in $SRC_DL"; ls -l "$SRC_DL"; return 1; }
    echo "downloaded: $orig"
}

# Unpack ns-allinone-<ver>/ns-<ver> from the .orig tarball into $TREE.
unpack_source() {
    if [[ $CLEAN -eq 1 && -e "$WORK" ]]; then
        echo "removing $TREE"
        rm -rf "$TREE"
    fi
    if [[ -f "$TREE/.ns3tls-unpacked" ]]; then
        echo "reusing $TREE"
        return 0
    fi
    rm -rf "$TREE" "$TREE.tmp"
    mkdir -p "$TREE.tmp"
    local src="${NS3TLS_NS3_SOURCE:-}"
    if [[ -n "$src" && -d "$src" ]]; then
        cp -a "$src/." "$TREE.tmp/" || return 1
        rm -rf "$TREE.tmp/build" "$TREE.tmp/cmake-cache" "$TREE.tmp/contrib/tls"
    else
        [[ -n "$src" ]] || src=$(ls "$SRC_DL"/ns3_"$NS3_VERSION".orig.tar.* | head -1)
        echo "unpacking $src"
        local member="ns-allinone-$NS3_VERSION/ns-$NS3_VERSION"
        if [[ "$src" == *.bz2 ]] && ! command -v bzip2 >/dev/null 2>&1; then
            # a minimal Debian has no bzip2 binary; Python's tarfile reads .bz2 itself
            "$PY" - "$src" "$member/" "$TREE.tmp" <<'EOF' || return 1
import sys, tarfile
src, prefix, dest = sys.argv[1:]
with tarfile.open(src) as tf:
    members = []
    for m in tf.getmembers():
        if m.name.startswith(prefix):
            m.name = m.name[len(prefix):]
            if m.name:
                members.append(m)
    tf.extractall(dest, members=members)
EOF
        else
            tar -xf "$src" -C "$TREE.tmp" --strip-components=2 "$member" || return 1
        fi
    fi
    [[ -x "$TREE.tmp/ns3" && -f "$TREE.tmp/test.py" ]] || { echo "not an ns-3 tree: $TREE.tmp"; return 1; }
    touch "$TREE.tmp/.ns3tls-unpacked"
    mv "$TREE.tmp" "$TREE"
    echo "unpacked $(cat "$TREE/VERSION" 2>/dev/null) into $TREE"
}

# Copy the module (not its build output, Python package, validation data or VCS metadata).
copy_module() {
    local dst="$TREE/contrib/tls"
    rm -rf "$dst"
    mkdir -p "$dst"
    # tar keeps modification times, so an unchanged file is not rebuilt on a reused tree
    tar -C "$ROOT" -cf - \
        --exclude=./build --exclude=./python --exclude=./.git --exclude=./validation \
        --exclude=./.cache --exclude=./results --exclude=./doc/_build --exclude=__pycache__ \
        --exclude='*.pyc' --exclude='*.pcap' . | tar -C "$dst" -xf - || return 1
    echo "copied $ROOT -> $dst:"
    (cd "$dst" && ls -A)
}

configure_tree() {
    cd "$TREE" || return 1
    # csma: with --enable-tests ns-3.37 always builds src/test, whose ns3tcp-socket-test-suite.cc
    # uses CsmaHelper as soon as applications and point-to-point are enabled, without declaring
    # csma (link error, or a compile error without /usr/include/ns3). It is small; enable it.
    # --filter-module-examples-and-tests=tls: build only tls's examples and tests, not those of
    # the modules it pulls in (the libraries themselves are still built).
    "${NICE[@]}" "$PY" ./ns3 configure -G Ninja \
        --enable-tests --enable-examples --enable-modules="tls;csma" \
        --filter-module-examples-and-tests=tls || return 1
    # the module, its test library and its example must be in the build
    local t missing=0
    for t in libtls libtls-test tls-handshake-example; do
        "$PY" ./ns3 show targets 2>/dev/null | grep -qw -- "$t" && continue
        grep -q -- "$t" cmake-cache/build.ninja 2>/dev/null && continue
        echo "target $t is not configured"; missing=1
    done
    return $missing
}

# `./ns3 build -j N` caps N at nproc-1 (so -j1 on 2 cores); call what it runs, with our -j.
build_tree() {
    cd "$TREE" || return 1
    "${NICE[@]}" cmake --build cmake-cache -j "$JOBS"
}

# The module's suites as test.py lists them (tls-engine and tls-handshake at least).
list_suites() {
    cd "$TREE" || return 1
    "$PY" ./test.py --no-build --list --nocolor 2>&1 | tee "$LOGS/test-list.log" \
        | grep -oE '(^|[[:space:]])tls-[A-Za-z0-9_-]+' | tr -d ' \t' | sort -u | tr '\n' ' '; echo
}

# test.py -s SUITE, requiring "N of N tests passed" with N >= 1.
run_suite() {
    local suite="$1" out rc line
    cd "$TREE" || return 1
    out=$("${NICE[@]}" "$PY" ./test.py --no-build --nocolor --jobs "$JOBS" -s "$suite" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ of [0-9]+ tests passed' | tail -1)
    printf '%-15s %s\n' "$suite:" "${line:-no summary line (exit $rc)}" >>"$LOGS/test-summary.txt"
    [[ $rc -eq 0 ]] || return $rc
    [[ "$line" =~ ^([0-9]+)\ of\ ([0-9]+)\ tests\ passed ]] || return 1
    [[ ${BASH_REMATCH[2]} -ge 1 && ${BASH_REMATCH[1]} -eq ${BASH_REMATCH[2]} ]]
}

run_example() {
    cd "$TREE" || return 1
    "${NICE[@]}" "$PY" ./ns3 run --no-build "tls-handshake-example --handshakes=2"
}

# ---------------------------------------------------------------------------------------------
log "module: $ROOT"
log "work dir: $WORK (cache: $CACHE)"
mkdir -p "$WORK" || exit 2
rm -f "$LOGS/test-summary.txt"
trap 'FAILED=1; echo; log "interrupted"; finish' INT TERM

step check-tools check_tools
if [[ -n "${NS3TLS_NS3_SOURCE:-}" ]]; then
    STEPS+=("fetch-source|given|0")
else
    step fetch-source fetch_source
fi
step unpack unpack_source
step copy-module copy_module
step configure configure_tree
step build build_tree
SUITES=()
if [[ $FAILED -eq 0 ]]; then
    read -r -a SUITES <<<"$(list_suites)"
fi
for required in tls-engine tls-handshake; do
    [[ " ${SUITES[*]} " == *" $required "* ]] || SUITES+=("$required")  # a missing one fails below
done
for suite in "${SUITES[@]}"; do
    step "test-$suite" run_suite "$suite"
done
step example run_example
if [[ -f "$LOGS/example.log" ]]; then
    log "example output (tail):"
    tail -n 15 "$LOGS/example.log" | sed 's/^/    /' >&2
fi
finish
