# Sphinx configuration for the ns3-tls model documentation (./ns3tls docs).
project = "ns3-tls"
author = "ns3-tls developers"
copyright = "2026, ns3-tls developers"
extensions = []
master_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
highlight_language = "none"  # literal blocks are diagrams; code uses code-block
