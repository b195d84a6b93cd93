"""Typed settings read once from environment variables, failing fast on bad values.

Every service subclasses `ServiceSettings`; all variables carry the `GRIDAM_` prefix
(e.g. `GRIDAM_GRPC_PORT`). The defaults are the embedded profile: everything on
127.0.0.1, SQLite and keys under the data folder, static discovery.
"""

from __future__ import annotations

import ipaddress
import pathlib
import sys
from typing import ClassVar, Literal, TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / "var"


class BaseGridamSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDAM_", frozen=True, extra="ignore")

    data_dir: pathlib.Path = DEFAULT_DATA_DIR
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    access_log: bool = True
    metrics_port: int = 0  # 0 = no metrics endpoint

    discovery: Literal["static", "consul"] = "static"
    consul_http_addr: str = "127.0.0.1:8500"
    # Consul ACL token, or a file holding it (one of the two): every call to Consul carries it.
    consul_token: str = Field("", repr=False)
    consul_token_file: pathlib.Path | None = None
    # How long an instance Consul stopped listing stays in use (discovery.py: last known instances).
    consul_last_known_grace_seconds: float = Field(30.0, gt=0)
    # Static addresses of the services (embedded profile, or Kubernetes DNS names).
    user_service_addr: str = "127.0.0.1:50051"
    diary_service_addr: str = "127.0.0.1:50052"
    emotion_service_addr: str = "127.0.0.1:50053"
    card_service_addr: str = "127.0.0.1:50054"
    imagegen_service_addr: str = "127.0.0.1:50055"

    jwt_public_key_file: pathlib.Path | None = None
    # Shared secret for signed image URLs (decision 13); at least 32 bytes.
    media_signing_key_file: pathlib.Path | None = None
    # Root of the object storage (local folder or mounted volume).
    media_dir: pathlib.Path | None = None

    call_timeout_seconds: float = 5.0
    # Steps of niceness grpc.aio's poller thread runs below the event loop (tweaks.py); 0 = same: the tweak off.
    grpc_poller_niceness: int = Field(5, ge=0, le=19)

    # The MongoDB read model the CDC projector keeps (distributed profile): when set, the
    # statistics, word clouds and diary search read it instead of the services' SQL tables.
    analytics_mongodb_url: str = ""
    analytics_mongodb_database: str = "gridam"
    # Partitions of each CDC change topic: the projector keeps one summary document per author
    # and partition (read_model.py in gridam_domain), and the statistics read that many.
    cdc_topic_partitions: int = 3

    @property
    def keys_dir(self) -> pathlib.Path:
        return self.data_dir / "keys"

    @property
    def jwt_public_key_path(self) -> pathlib.Path:
        return self.jwt_public_key_file or self.keys_dir / "jwt-ed25519.pub.pem"

    @property
    def media_signing_key_path(self) -> pathlib.Path:
        return self.media_signing_key_file or self.keys_dir / "media-url.key"

    @property
    def media_root(self) -> pathlib.Path:
        return self.media_dir or self.data_dir / "media"

    @model_validator(mode="after")
    def _one_consul_token(self) -> BaseGridamSettings:
        if self.consul_token and self.consul_token_file is not None:
            raise ValueError("set GRIDAM_CONSUL_TOKEN or GRIDAM_CONSUL_TOKEN_FILE, not both")
        return self

    @property
    def consul_acl_token(self) -> str:
        if self.consul_token_file is not None:
            return self.consul_token_file.read_text().strip()
        return self.consul_token

    @property
    def consul_host_port(self) -> tuple[str, int]:
        host, _, port = self.consul_http_addr.rpartition(":")
        return host or "127.0.0.1", int(port)

    def static_addresses(self) -> dict[str, list[str]]:
        return {
            "gridam-user": [self.user_service_addr],
            "gridam-diary": [self.diary_service_addr],
            "gridam-emotion": [self.emotion_service_addr],
            "gridam-card": [self.card_service_addr],
            "gridam-imagegen": [self.imagegen_service_addr],
        }


class ServiceSettings(BaseGridamSettings):
    """Settings every gRPC service has."""

    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50051
    # Address other processes reach this instance at (registered in Consul): an IP address,
    # because callers put every instance of a service in one channel (clients.py).
    advertise_host: str = "127.0.0.1"
    instance_id: str = ""
    reflection: bool = True
    shutdown_grace_seconds: float = 10.0
    # How long to keep serving, already NOT_SERVING, before refusing new calls on shutdown.
    drain_delay_seconds: float = 1.0
    redis_url: str = ""  # empty = in-process caches and limits (embedded profile)
    # Consul reaps an instance whose check stayed critical this long; it refuses less than a minute.
    consul_deregister_critical_after_seconds: int = Field(60, ge=60)

    @field_validator("grpc_port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ValueError("must be a TCP port (1-65535)")
        return value

    @model_validator(mode="after")
    def _advertise_an_ip(self) -> ServiceSettings:
        if self.discovery == "consul":
            try:
                ipaddress.ip_address(self.advertise_host)
            except ValueError:
                raise ValueError(f"GRIDAM_ADVERTISE_HOST must be an IP address with Consul discovery, got {self.advertise_host!r}") from None
        return self


class DatabaseSettings(ServiceSettings):
    """Settings of a service that owns a database."""

    # Empty: SQLite under the data folder (embedded profile), in the file the service names.
    database_url: str = ""
    sqlite_file: ClassVar[str]  # e.g. "user.db"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / self.sqlite_file}"


class JobSettings(DatabaseSettings):
    """Settings of a service that owes work in a job table and runs workers for it
    (gridam_runtime.jobs): the diary's pipeline workers, the user service's outbox relay."""

    worker_concurrency: int = 4  # jobs run at once per worker
    worker_poll_seconds: float = 0.5  # idle polling interval
    job_lease_seconds: int = 60
    job_max_attempts: int = 8
    job_base_backoff_seconds: float = 2.0
    # Every outgoing call of a job gets this long (e.g. the emotion analysis of a long diary).
    job_call_timeout_seconds: float = 30.0


S = TypeVar("S", bound=BaseSettings)


def load_settings(cls: type[S]) -> S:
    """Build settings from the environment; on a bad value print what is wrong and exit."""
    try:
        return cls()
    except ValidationError as exc:
        lines = [f"invalid configuration for {cls.__name__}:"]
        for err in exc.errors():
            # A check across variables (a model validator) has no location; its message names them.
            name = "GRIDAM_" + "_".join(str(p) for p in err["loc"]).upper() if err["loc"] else "settings"
            lines.append(f"  {name}: {err['msg']}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(2) from None
