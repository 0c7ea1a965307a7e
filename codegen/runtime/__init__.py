"""The hand-written runtime shipped as ``lattice_stripe._runtime``: the contract generated code renders against."""
