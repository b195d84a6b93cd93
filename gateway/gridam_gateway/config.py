"""Gateway settings (environment variables with the GRIDAM_ prefix)."""

from __future__ import annotations

from gridam_runtime.settings import BaseGridamSettings


class GatewaySettings(BaseGridamSettings):
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # uvicorn worker processes; /metrics then shows only the worker that answers.
    workers: int = 1
    # Comma-separated origins allowed to call the API from another origin (CORS); empty = same origin only.
    cors_origins: str = ""
    # Proxies whose X-Forwarded-For is trusted for the client address (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    max_json_body_bytes: int = 64 * 1024
    # 10 MB image plus the multipart framing and the JSON part.
    max_upload_body_bytes: int = 10 * 1024 * 1024 + 256 * 1024
    # Prefix of image URLs handed to browsers; empty = relative URLs on the gateway's origin.
    public_base_url: str = ""
    media_url_ttl_seconds: int = 3600

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
