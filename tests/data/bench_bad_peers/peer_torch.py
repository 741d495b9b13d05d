"""A peer that starts, then reports every case as failed (tests/bench.cmake)."""
import json
import sys

print(json.dumps({"peer": "torch", "version": "0", "threads": 1, "blas": "none"}))
for a, b in zip(sys.argv, sys.argv[1:]):
    if a == "--case":
        print(json.dumps({"case": b, "error": "check failed: deliberately"}))
