"""The diary service's rules that need no I/O."""
