"""The change envelope and the read model's shape: how a row change becomes a write (no I/O)."""
