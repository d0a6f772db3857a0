#!/usr/bin/env bash
# test/launcher-test.sh: the launcher's own failure paths and its set-up shortcut (ctest
# "launcher"). Uses throw-away build directories and stand-in commands; builds nothing.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
failures=0
checks=0
check() { # name, expected exit, expected stderr pattern, command...
    local name="$1" want="$2" pattern="$3" rc
    checks=$((checks + 1))
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [[ $rc -ne $want ]] || ! grep -q -- "$pattern" "$T/err"; then
        echo "FAIL $name: exit $rc (want $want), stderr:"; sed 's/^/    /' "$T/err"
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}
packages() { sed -n '/^APT_PACKAGES=(/,/)/p' "$ROOT/ns3tls" | tr -d '()' | sed 's/APT_PACKAGES=//' | tr -s ' \n' '\n' | sed '/^$/d'; }

# A build directory whose build step fails, with set-up known done.
mkdir -p "$T/broken"
printf 'rule fail\n  command = false\nbuild always: fail\ndefault always\n' >"$T/broken/build.ninja"
packages >"$T/broken/.setup-done"
check "failed build stops with one line" 1 "^ns3tls: build failed" \
    env NS3TLS_BUILD="$T/broken" "$ROOT/ns3tls" run --handshakes=1
checks=$((checks + 1))
[[ $(grep -c '^ns3tls:' "$T/err") -eq 1 ]] || { echo "FAIL more than one ns3tls: line"; failures=$((failures + 1)); }

check "missing interpreter is named" 1 "python interpreter '/nonexistent/python3' not found" \
    env NS3TLS_BUILD="$T/broken" NS3TLS_PYTHON=/nonexistent/python3 "$ROOT/ns3tls" build

check "unknown command" 2 "unknown command 'frobnicate'" "$ROOT/ns3tls" frobnicate

# Set-up runs dpkg-query once per package list, then not again (stamp).
mkdir -p "$T/bin" "$T/ok"
printf '#!/bin/sh\necho call >>"%s/dpkg-calls"\nfor p in "$@"; do case "$p" in -*) ;; *) printf "%%s:ii  " "$p";; esac; done\n' "$T" >"$T/bin/dpkg-query"
chmod +x "$T/bin/dpkg-query"
printf 'rule ok\n  command = true\nbuild always: ok\ndefault always\n' >"$T/ok/build.ninja"
PATH="$T/bin:$PATH" NS3TLS_BUILD="$T/ok" "$ROOT/ns3tls" build 2>"$T/err" || { echo "FAIL set-up with all packages present"; cat "$T/err"; failures=$((failures + 1)); }
checks=$((checks + 3))
first=$(wc -l <"$T/dpkg-calls" 2>/dev/null || echo 0)
PATH="$T/bin:$PATH" NS3TLS_BUILD="$T/ok" "$ROOT/ns3tls" build 2>/dev/null
second=$(wc -l <"$T/dpkg-calls" 2>/dev/null || echo 0)
if [[ $first -eq 1 && $second -eq $first ]]; then
    echo "ok   set-up checked once, then skipped ($first dpkg-query calls)"
else
    echo "FAIL set-up stamp: dpkg-query calls $first then $second"; failures=$((failures + 1))
fi
cmp -s <(packages) "$T/ok/.setup-done" || { echo "FAIL stamp does not list the packages"; failures=$((failures + 1)); }

# A fresh system: dpkg-query knows some packages not (it exits 1, as on a Debian minbase);
# set-up installs exactly the missing ones (apt-get stands in; as non-root: the apt line).
mkdir -p "$T/bin2" "$T/fresh"
printf '#!/bin/sh\nfor p in "$@"; do case "$p" in -*) ;; python3|ninja-build) echo "dpkg-query: no packages found matching $p" >&2;; *) printf "%%s:ii  " "$p";; esac; done\nexit 1\n' >"$T/bin2/dpkg-query"
printf '#!/bin/sh\necho "$@" >>"%s/apt-calls"\n' "$T" >"$T/bin2/apt-get"
chmod +x "$T/bin2/dpkg-query" "$T/bin2/apt-get"
cp "$T/ok/build.ninja" "$T/fresh/"
checks=$((checks + 1))
if [[ $(id -u) -eq 0 ]]; then
    PATH="$T/bin2:$PATH" NS3TLS_BUILD="$T/fresh" "$ROOT/ns3tls" setup 2>"$T/err"
    if grep -q -- "install -y -qq --no-install-recommends python3 ninja-build$" "$T/apt-calls" 2>/dev/null; then
        echo "ok   fresh system: installs the missing packages"
    else
        echo "FAIL fresh system: apt-get calls:"; cat "$T/apt-calls" "$T/err" 2>/dev/null; failures=$((failures + 1))
    fi
else
    check "fresh system (not root): the apt line" 2 "sudo apt-get install -y python3 ninja-build" \
        env PATH="$T/bin2:$PATH" NS3TLS_BUILD="$T/fresh" "$ROOT/ns3tls" setup
    checks=$((checks - 1))
fi

cmp -s <(packages) "$T/ok/.setup-done" || { echo "FAIL stamp does not list the packages"; failures=$((failures + 1)); }

echo "$(( checks - failures )) passed, $failures failed"
[[ $failures -eq 0 ]]
