"""Kafka topics of the pipeline."""
