"""Gateway settings (environment variables with the GRIDAM_ prefix)."""

from __future__ import annotations

from pydantic import Field, model_validator

from gridam_runtime.settings import BaseGridamSettings


class GatewaySettings(BaseGridamSettings):
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # uvicorn worker processes. /metrics (GRIDAM_METRICS_PORT, on GRIDAM_HTTP_HOST) is served by the
    # process that serves requests, so it goes with a single worker (scale with more gateways).
    workers: int = Field(1, ge=1)
    # Comma-separated origins allowed to call the API from another origin (CORS); empty = same origin only.
    cors_origins: str = ""
    # Proxies whose X-Forwarded-For is trusted for the client address (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    max_json_body_bytes: int = 64 * 1024
    # 10 MB image plus the multipart framing and the JSON part.
    max_upload_body_bytes: int = 10 * 1024 * 1024 + 256 * 1024
    # POST /api/users/import: an archive streamed into the media store (a 5,000-diary export
    # with photos is ~0.5-1 GB), never held in memory.
    max_import_body_bytes: int = Field(2 * 1024 * 1024 * 1024, ge=1024 * 1024)
    # Prefix of image URLs handed to browsers; empty = relative URLs on the gateway's origin.
    public_base_url: str = ""
    media_url_ttl_seconds: int = 3600
    # What one request may hold (http_protocol.py): its request line and headers, how many
    # headers, how long its headers may take to arrive and how long its body may pause.
    http_max_header_bytes: int = Field(16 * 1024, ge=1024)
    http_max_headers: int = Field(100, ge=10)
    http_header_timeout_seconds: float = Field(10.0, gt=0)
    http_body_timeout_seconds: float = Field(30.0, gt=0)
    # Swagger UI at /docs and the schema at /openapi.json; off in production (Helm).
    api_docs: bool = True
    # Where the user service announces profile changes: the notifications' actors are then read
    # from a copy (profiles.py); empty = asked on every page (embedded profile).
    redis_url: str = ""

    @model_validator(mode="after")
    def _metrics_of_the_serving_process(self) -> GatewaySettings:
        if self.metrics_port and self.workers > 1:
            raise ValueError(
                "GRIDAM_METRICS_PORT shows the metrics of one process: with GRIDAM_WORKERS > 1 set it to 0, "
                "or run more gateways of one worker each"
            )
        return self

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
