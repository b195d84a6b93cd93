"""The input rules of accounts and profiles (no I/O)."""
