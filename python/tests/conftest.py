"""pytest setup: find the build tree and import ns3tls from it.

The build directory is $NS3TLS_BUILD (default: <repo>/build). The package is imported from
<build>/python and the C++ example is <build>/examples/tls-handshake-example.

    NS3TLS_BUILD=build /usr/bin/python3 -m pytest python/tests
"""

import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("NS3TLS_BUILD") or os.path.join(REPO, "build"))
PYDIR = os.path.join(BUILD, "python")
EXAMPLE = os.path.join(BUILD, "examples", "tls-handshake-example")

if os.path.isdir(os.path.join(PYDIR, "ns3tls")):
    sys.path.insert(0, PYDIR)
    # Child processes (CLI tests, dask workers) import the same package.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [PYDIR] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
else:
    raise pytest.UsageError(f"no ns3tls package in {PYDIR}: build first, or set NS3TLS_BUILD "
                            f"to the CMake build directory")

# Keep test caches out of the user's cache.
os.environ.pop("NS3TLS_CACHE", None)


@pytest.fixture(scope="session")
def example():
    if not os.access(EXAMPLE, os.X_OK):
        pytest.fail(f"C++ example not built: {EXAMPLE}")
    return EXAMPLE


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory):
    """A small cached sweep shared by the plot tests: TLS 1.2/1.3 x 2 RTTs x 2 losses x 2 runs."""
    import ns3tls

    cache = tmp_path_factory.mktemp("plot-cache")
    grid = {"tls": ["1.2", "1.3"], "rtt": ["10ms", "50ms"], "loss": [0, 0.05],
            "handshakes": 8, "key": "p256"}
    return ns3tls.sweep(grid, runs=2, jobs=2, cache_dir=cache, progress=False)
