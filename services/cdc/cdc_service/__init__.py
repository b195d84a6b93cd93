"""CDC: MariaDB binlog -> Kafka (the reader) -> MongoDB read model (the projector)."""
