"""What a card shows: the prompt drawn from an analysis and the composed picture (no I/O)."""
