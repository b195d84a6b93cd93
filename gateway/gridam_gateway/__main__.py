"""`python -m gridam_gateway`: serve the REST gateway with uvicorn."""

import uvicorn
from gridam_gateway.config import GatewaySettings
from gridam_runtime.settings import load_settings


def main() -> None:
    settings = load_settings(GatewaySettings)
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
