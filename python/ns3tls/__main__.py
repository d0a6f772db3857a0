"""``python -m ns3tls``: the command line (see ns3tls._cli)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
