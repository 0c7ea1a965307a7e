"""Benchmarks: lattice_stripe against the official ``stripe`` package and a raw httpx floor.

Run with ``make bench`` (or ``python -m bench.run``); not part of the test suite.
"""
