"""Hand-written guards layered over generated resources, shipped as ``lattice_stripe.overrides``."""
