"""`python -m gridam_gateway`: serve the REST gateway with uvicorn."""

import uvicorn
from prometheus_client import start_http_server

from gridam_gateway.config import GatewaySettings
from gridam_runtime.settings import load_settings


def main() -> None:
    settings = load_settings(GatewaySettings)
    if settings.metrics_port and settings.workers == 1:
        start_http_server(settings.metrics_port, addr=settings.http_host)
    uvicorn.run(
        "gridam_gateway.app:create_app_from_env",
        factory=True,
        host=settings.http_host,
        port=settings.http_port,
        workers=settings.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=None,
        access_log=False,  # EdgeMiddleware writes the JSON access log
        server_header=False,
    )


if __name__ == "__main__":
    main()
