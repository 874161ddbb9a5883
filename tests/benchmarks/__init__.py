"""Benchmarks: scripts that print figures (run with `python -m`), never collected by pytest."""
