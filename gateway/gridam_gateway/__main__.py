"""`python -m gridam_gateway`: serve the REST gateway with uvicorn."""

import functools

import uvicorn
from prometheus_client import start_http_server

from gridam_gateway.config import GatewaySettings
from gridam_gateway.http_protocol import HttpLimits, LimitedHttpToolsProtocol
from gridam_runtime.settings import load_settings


def main() -> None:
    settings = load_settings(GatewaySettings)
    if settings.metrics_port:
        # On a port of its own, like every other process, so the API's port (the one the Ingress
        # reaches) serves no /metrics. With one worker (settings refuse more) uvicorn serves in
        # this process, so this is the registry requests are counted in.
        start_http_server(settings.metrics_port, addr=settings.http_host)
    uvicorn.run(
        "gridam_gateway.app:create_app_from_env",
        factory=True,
        host=settings.http_host,
        port=settings.http_port,
        workers=settings.workers,
        # uvicorn calls `http(config=..., server_state=..., app_state=..., _loop=...)` per connection, so
        # any factory works, though its annotation names a class; a partial also pickles into spawned workers.
        http=functools.partial(  # type: ignore[arg-type]  # uvicorn annotates `http` as a class, not a factory
            LimitedHttpToolsProtocol,
            limits=HttpLimits(
                max_header_bytes=settings.http_max_header_bytes,
                max_headers=settings.http_max_headers,
                header_timeout_seconds=settings.http_header_timeout_seconds,
                body_timeout_seconds=settings.http_body_timeout_seconds,
            ),
        ),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=None,
        access_log=False,  # EdgeMiddleware writes the JSON access log
        server_header=False,
    )


if __name__ == "__main__":
    main()
