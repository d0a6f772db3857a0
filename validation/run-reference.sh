#!/bin/sh
# Real-Linux reference harness for ns3-tls: see README.md. Needs root.
# Usage: validation/run-reference.sh [--smoke | --full | options]   (--help for all options)
set -e
if [ "$(id -u)" != 0 ]; then
    echo "run-reference: needs root (network namespaces, TUN devices); run it as root, e.g. sudo $0 $*" >&2
    exit 1
fi
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
exec "$PYTHON" "$(dirname "$0")/run-reference.py" "$@"
