"""The worker processes, the image engines they run and the Prometheus metrics."""
