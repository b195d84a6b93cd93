"""CDC settings (environment variables with the GRIDAM_ prefix). Both deployables read the
same ones; each uses its part."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import field_validator

from gridam_runtime.settings import BaseGridamSettings


class CdcSettings(BaseGridamSettings):
    # The metrics endpoint (metrics_port) listens here; 0.0.0.0 in a pod.
    metrics_host: str = "127.0.0.1"

    # Reader: a MariaDB account with REPLICATION SLAVE, BINLOG MONITOR and SELECT on the
    # captured tables, as mysql://user:password@host:port
    cdc_mysql_url: str = ""
    # The captured tables, as schema.table (one schema per service).
    cdc_tables: str = "gridam_diary.diaries,gridam_emotion.diary_analyses,gridam_card.cards"
    # Replication client id: unique per reader and different from every server's server_id.
    cdc_server_id: int = 4242
    # The server sends a heartbeat this often while idle, so the reader can save its position.
    cdc_heartbeat_seconds: float = 1.0
    # The reader saves its position at a transaction boundary at most this often.
    cdc_position_interval_seconds: float = 1.0

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Topics: <prefix>.<schema>.<table> for the changes, <prefix>.reader-position for the reader.
    cdc_topic_prefix: str = "gridam.cdc"

    # Projector: it writes the read model at analytics_mongodb_url / analytics_mongodb_database
    # (shared settings: the services read it there). Its Kafka and MongoDB calls time out after
    # call_timeout_seconds.
    cdc_projector_group: str = "gridam-projector"
    cdc_projector_batch: int = 500
    # A projector that stops heartbeating (killed) keeps its partitions this long (Kafka's
    # session timeout; the broker accepts 6 to 300 seconds by default).
    cdc_projector_session_timeout_seconds: float = 45.0

    @field_validator("cdc_tables")
    @classmethod
    def _qualified(cls, value: str) -> str:
        for name in value.split(","):
            if name.strip().count(".") != 1:
                raise ValueError(f"{name!r} is not schema.table")
        return value

    @property
    def tables(self) -> list[tuple[str, str]]:
        pairs = (name.strip().partition(".") for name in self.cdc_tables.split(","))
        return [(schema, table) for schema, _, table in pairs]  # one dot each: _qualified checked

    def mysql_connection(self) -> dict[str, Any]:  # pymysql.connect's and BinLogStreamReader's keywords
        """pymysql connection arguments from cdc_mysql_url."""
        url = urlsplit(self.cdc_mysql_url)
        if url.scheme not in ("mysql", "mariadb") or not url.hostname:
            raise ValueError("GRIDAM_CDC_MYSQL_URL must be mysql://user:password@host:port")
        return {
            "host": url.hostname,
            "port": url.port or 3306,
            "user": unquote(url.username or ""),
            "passwd": unquote(url.password or ""),
            "charset": "utf8mb4",
        }

    def topic(self, schema: str, table: str) -> str:
        return f"{self.cdc_topic_prefix}.{schema}.{table}"

    @property
    def position_topic(self) -> str:
        return f"{self.cdc_topic_prefix}.reader-position"
