"""What an image request is and what every engine promises (no I/O)."""
