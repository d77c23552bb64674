"""`make bench-peers`: valuate's verdict path against other rules engines on the same services.

Run as `python -m bench.peers` from the repository root, in the .venv-peers
environment the Makefile target makes (zen-engine and regopy are installed
only there, json-rules-engine in bench/peers/node_modules: none of them is a
dependency of valuate).
"""
