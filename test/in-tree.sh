#!/usr/bin/env bash
# test/in-tree.sh: build this module as contrib/tls inside an ns-3 source tree and run its tests
# there, the way an ns-3 user would (run by `./ns3tls test --in-tree`; slow, so not by default).
# Supported releases: ns-3.37 (Debian 12) to ns-3.48; model/compat/ns3-compat.h lists what differs.
#
#   1. the tree: a given ns-3 source tree (TREE: used in place, no network), or a release fetched
#      once into the cache: 3.37 with `apt-get source` from a throw-away deb-src config (Debian
#      bookworm has 3.37), any other 3.NN as tag ns-3.NN of the ns-3 git repository;
#   2. unpack it into a work dir and copy this repo into contrib/tls (a contrib/tls that is a
#      symbolic link to this repo is used as it is; a link elsewhere is replaced by a copy);
#   3. ./ns3 configure -G Ninja --enable-tests --enable-examples --enable-modules="tls;csma"
#      --filter-module-examples-and-tests=tls: only tls and what it links (plus csma, see
#      configure_tree), and only tls's examples and tests;
#   4. build; ./test.py -s SUITE for every tls-* suite (tls-engine, tls-handshake, ...);
#      ./ns3 run "tls-handshake-example --handshakes=2"; ./ns3 run "tls-csma-example --clients=2".
#
# Usage: test/in-tree.sh [--clean] [--keep-going] [TREE | VERSION]
#   TREE          path of an ns-3 source tree (has ./ns3 and VERSION), e.g. a checkout of
#                 ns-3-dev at tag ns-3.48; built in place (cmake-cache/, build/, contrib/tls)
#   VERSION       a release to fetch: 3.37 (default) or 3.NN (git tag ns-3.NN, needs network)
#   --clean       a from-scratch build: remove the fetched tree (a given TREE: ./ns3 clean) first
#   --keep-going  run every step even after a failure (the exit status still reports it)
# Without --clean an existing tree is reused and only what changed is rebuilt.
#
# Environment:
#   NS3TLS_CACHE         cache dir (default ~/.cache/ns3tls): apt config, downloaded source, work dir
#   NS3TLS_INTREE_DIR    work dir for the unpacked tree (default $NS3TLS_CACHE/in-tree)
#   NS3TLS_JOBS          parallel build jobs (default: min(2, nproc))
#   NS3TLS_PYTHON        interpreter for ./ns3 and test.py (default /usr/bin/python3 if present)
#   NS3TLS_DEBIAN_MIRROR (default http://deb.debian.org/debian), NS3TLS_DEBIAN_SUITE (default bookworm)
#   NS3TLS_NS3_SOURCE    use this ns3_*.orig.tar.* (or an unpacked ns-3.xx dir, copied) instead of
#                        downloading 3.37
#   NS3TLS_NS3_GIT       repository for releases other than 3.37
#                        (default https://gitlab.com/nsnam/ns-3-dev.git; a local clone works)
#   NS3TLS_TEST_TIMEOUT  seconds allowed per test suite and for the example (default 1800)
#
# Needs: apt-get (Debian/Ubuntu) for 3.37 unless NS3TLS_NS3_SOURCE is given, git for other
# releases, tar, cmake, ninja, g++, libssl-dev, python3 -- what `./ns3tls setup` installs (ns-3.48
# needs CMake >= 3.25; Debian 12's CMake 3.25 and g++ 12 do). Exit status 0 only if every step passed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NS3TLS_CACHE:-$HOME/.cache/ns3tls}"
WORK="${NS3TLS_INTREE_DIR:-$CACHE/in-tree}"
SRC_DL="$CACHE/ns3-source"
MIRROR="${NS3TLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${NS3TLS_DEBIAN_SUITE:-bookworm}"
NS3_GIT="${NS3TLS_NS3_GIT:-https://gitlab.com/nsnam/ns-3-dev.git}"
NS3_VERSION=3.37   # the release to fetch, or the given tree's (its VERSION file)
GIVEN_TREE=""      # a tree given on the command line: built in place
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
TEST_TIMEOUT="${NS3TLS_TEST_TIMEOUT:-1800}"
# timeout signals its whole process group: test.py and the test-runner it starts
LIMIT=(timeout --kill-after=30 "$TEST_TIMEOUT")

CLEAN=0
KEEP_GOING=0
for a in "$@"; do
    case "$a" in
        --clean) CLEAN=1 ;;
        --keep-going) KEEP_GOING=1 ;;
        -h|--help) sed -n '2,/^set -uo/{/^set -uo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "in-tree.sh: unknown argument: $a (try --help)" >&2; exit 2 ;;
        *)
            if [[ -d "$a" ]]; then
                if [[ ! -x "$a/ns3" || ! -f "$a/VERSION" ]]; then
                    echo "in-tree.sh: not an ns-3 source tree (no ns3 and VERSION): $a" >&2; exit 2
                fi
                GIVEN_TREE="$(cd "$a" && pwd)"
                NS3_VERSION="$(head -1 "$GIVEN_TREE/VERSION")"
            elif [[ "$a" =~ ^3\.[0-9]+(\.[0-9]+)?$ ]]; then
                NS3_VERSION="$a"
            else
                echo "in-tree.sh: not an ns-3 source tree nor a release like 3.48: $a" >&2; exit 2
            fi
            ;;
    esac
done

T0=$SECONDS
LOGS="$WORK/logs"
TREE="${GIVEN_TREE:-$WORK/ns-$NS3_VERSION}"
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
    if [[ -z "$GIVEN_TREE" && -z "${NS3TLS_NS3_SOURCE:-}" ]]; then
        if [[ "$NS3_VERSION" == 3.37 ]]; then
            command -v apt-get >/dev/null 2>&1 \
                || missing+=("apt-get (or set NS3TLS_NS3_SOURCE to an ns-3.37 tarball or tree)")
        else
            command -v git >/dev/null 2>&1 || missing+=("git (or give an ns-3 source tree)")
        fi
    fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "missing: ${missing[*]} (./ns3tls setup installs the build tools)"
        return 1
    fi
    echo "python: $PY ($("$PY" --version 2>&1)); cmake: $(cmake --version | head -1); jobs: $JOBS"
}

# A release other than 3.37: a shallow clone of tag ns-<ver>, cached in $SRC_DL/ns-<ver>.
fetch_git() {
    local dst="$SRC_DL/ns-$NS3_VERSION"
    if [[ -x "$dst/ns3" ]]; then
        echo "cached: $dst"
        return 0
    fi
    mkdir -p "$SRC_DL"
    rm -rf "$dst.tmp"
    git -c advice.detachedHead=false clone --depth 1 --branch "ns-$NS3_VERSION" "$NS3_GIT" "$dst.tmp" \
        || return 1
    mv "$dst.tmp" "$dst"
    echo "fetched: ns-$NS3_VERSION from $NS3_GIT into $dst"
}

# Download ns3_<ver>.orig.tar.* with apt-get source from a deb-src line in a private apt config;
# the system's sources, lists and caches are left alone.
fetch_source() {
    [[ "$NS3_VERSION" == 3.37 ]] || { fetch_git; return; }
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

# Unpack ns-allinone-<ver>/ns-<ver> from the .orig tarball (or copy a fetched tree) into $TREE.
unpack_source() {
    if [[ -n "$GIVEN_TREE" ]]; then
        if [[ $CLEAN -eq 1 ]]; then
            (cd "$TREE" && "$PY" ./ns3 clean) || return 1
        fi
        echo "using $TREE ($(cat "$TREE/VERSION"))"
        return 0
    fi
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
    [[ -n "$src" || "$NS3_VERSION" == 3.37 ]] || src="$SRC_DL/ns-$NS3_VERSION"
    if [[ -n "$src" && -d "$src" ]]; then
        cp -a "$src/." "$TREE.tmp/" || return 1
        rm -rf "$TREE.tmp/build" "$TREE.tmp/cmake-cache" "$TREE.tmp/contrib/tls" "$TREE.tmp/.git"
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

# Copy the module (not its build output, Python package, validation data or VCS metadata) into
# contrib/tls like rsync --checksum --delete: a file whose content changed gets a new modification
# time (so it is rebuilt even if the repo's copy is older than the build, e.g. after a checkout),
# an unchanged one keeps its time (so a reused tree rebuilds only what changed).
copy_module() {
    local dst="$TREE/contrib/tls"
    if [[ -L "$dst" && "$(cd "$dst" && pwd -P)" == "$(cd "$ROOT" && pwd -P)" ]]; then
        echo "$dst is a link to $ROOT: nothing to copy"
        return 0
    fi
    if [[ -L "$dst" ]]; then
        # A link to another checkout: replace the link, never sync into (and delete from) its target.
        echo "$dst was a link to $(readlink "$dst"); replaced by a copy of $ROOT"
        rm -f -- "$dst" || return 1
    fi
    mkdir -p "$dst"
    "$PY" - "$ROOT" "$dst" <<'EOF'
import filecmp, fnmatch, os, shutil, sys
src, dst = sys.argv[1:]
EXCLUDE_TOP = {"build", "python", ".git", "validation", ".cache", "results"}
EXCLUDE_ANY = ["__pycache__", "*.pyc", "*.pcap", "_build", ".*.swp"]
def skipped(rel):
    parts = rel.split(os.sep)
    return parts[0] in EXCLUDE_TOP or any(fnmatch.fnmatch(p, pat) for p in parts for pat in EXCLUDE_ANY)
wanted, copied = set(), []
for d, dirs, files in os.walk(src):
    reld = os.path.relpath(d, src)
    dirs[:] = [x for x in dirs if not skipped(os.path.normpath(os.path.join(reld, x)))]
    for f in files:
        rel = os.path.normpath(os.path.join(reld, f))
        if skipped(rel) or not os.path.isfile(os.path.join(src, rel)):
            continue
        wanted.add(rel)
        s, t = os.path.join(src, rel), os.path.join(dst, rel)
        if os.path.isfile(t) and filecmp.cmp(s, t, shallow=False):
            continue
        os.makedirs(os.path.dirname(t), exist_ok=True)
        shutil.copy(s, t)  # content and mode; modification time = now
        copied.append(rel)
removed = []
for d, dirs, files in os.walk(dst, topdown=False):
    for f in files:
        rel = os.path.relpath(os.path.join(d, f), dst)
        if rel not in wanted:
            os.remove(os.path.join(d, f)); removed.append(rel)
    if d != dst and not os.listdir(d):
        os.rmdir(d)
print(f"{src} -> {dst}: {len(wanted)} files, {len(copied)} copied, {len(removed)} removed")
for r in copied: print("  copied ", r)
for r in removed: print("  removed", r)
EOF
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
    # the library targets are libtls, libtls-test up to ns-3.42 and tls, tls-test from 3.43
    for t in '(lib)?tls' '(lib)?tls-test' tls-handshake-example tls-csma-example; do
        "$PY" ./ns3 show targets 2>/dev/null | tr -s ' \t' '\n\n' | grep -qxE -- "$t" && continue
        grep -qE -- "(^|[ /])$t[: ]" cmake-cache/build.ninja 2>/dev/null && continue
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

# test.py -s SUITE, requiring "N of N tests passed" with N >= 1. On a failure, the test-runner is
# run again with --verbose so that the log says which case failed and why.
run_suite() {
    local suite="$1" out rc line
    cd "$TREE" || return 1
    out=$("${LIMIT[@]}" "${NICE[@]}" "$PY" ./test.py --no-build --nocolor --jobs "$JOBS" -s "$suite" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ of [0-9]+ tests passed' | tail -1)
    [[ $rc -eq 124 || $rc -eq 137 ]] && line="timed out after ${TEST_TIMEOUT}s (NS3TLS_TEST_TIMEOUT)"
    printf '%-15s %s\n' "$suite:" "${line:-no summary line (exit $rc)}" >>"$LOGS/test-summary.txt"
    if [[ $rc -eq 0 && "$line" =~ ^([0-9]+)\ of\ ([0-9]+)\ tests\ passed ]] \
        && [[ ${BASH_REMATCH[2]} -ge 1 && ${BASH_REMATCH[1]} -eq ${BASH_REMATCH[2]} ]]; then
        return 0
    fi
    if [[ $rc -ne 124 && $rc -ne 137 && $rc -ne 2 ]]; then
        echo "---- test-runner --suite=$suite --verbose ----"
        "${LIMIT[@]}" "${NICE[@]}" "$PY" ./ns3 run --no-build "test-runner --suite=$suite --verbose" 2>&1 \
            | grep -Ev '^\s+PASS ' | tail -n 60
    fi
    return 1
}

run_example() {
    cd "$TREE" || return 1
    "${LIMIT[@]}" "${NICE[@]}" "$PY" ./ns3 run --no-build "$1"
}

# ---------------------------------------------------------------------------------------------
log "module: $ROOT"
log "work dir: $WORK (cache: $CACHE)"
mkdir -p "$WORK" || exit 2
rm -f "$LOGS"/*.log "$LOGS/test-summary.txt"
trap 'FAILED=1; echo; log "interrupted"; finish' INT TERM

step check-tools check_tools
if [[ -n "$GIVEN_TREE" || -n "${NS3TLS_NS3_SOURCE:-}" ]]; then
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
step example run_example "tls-handshake-example --handshakes=2"
step example-csma run_example "tls-csma-example --clients=2"
if [[ -f "$LOGS/example.log" ]]; then
    log "tls-handshake-example --handshakes=2 (tail):"
    tail -n 12 "$LOGS/example.log" | sed 's/^/    /' >&2
fi
finish
