"""The dispatcher: admission and batching of image requests."""
