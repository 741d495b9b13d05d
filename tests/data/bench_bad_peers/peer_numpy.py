"""A peer that crashes before printing anything (tests/bench.cmake)."""
import sys

sys.exit(3)
