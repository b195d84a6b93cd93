"""The reader (binlog -> Kafka) and the projector (Kafka -> MongoDB) loops."""
