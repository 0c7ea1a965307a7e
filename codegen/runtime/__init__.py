"""The hand-written runtime, shipped as ``lattice_stripe._runtime``.

It is the contract that generated code renders against.
"""
