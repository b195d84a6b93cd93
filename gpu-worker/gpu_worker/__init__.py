"""GriDam gpu-worker: batched image generation across worker processes."""
