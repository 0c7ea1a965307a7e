"""The SDK's version, for the User-Agent and telemetry (a leaf: anything may import it)."""

SDK_VERSION = "0.1.0"  # pyproject.toml's version (a test keeps them equal; metadata costs 30 ms)
