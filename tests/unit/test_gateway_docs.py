"""The API documentation is off when production turns it off (GRIDAM_API_DOCS=false, set by the
chart): no Swagger UI, no assets and no schema, only the 404 envelope (issue 19, finding 9; the
CSP and local assets of the docs that are on are tested end to end in test_security)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gridam_gateway.app import create_app
from gridam_gateway.config import GatewaySettings


def test_docs_and_schema_are_not_served_when_turned_off():
    client = TestClient(create_app(GatewaySettings(api_docs=False)))  # no lifespan: no service is called
    for path in ("/docs", "/docs/assets/swagger-ui-bundle.js", "/openapi.json"):
        reply = client.get(path)
        assert reply.status_code == 404 and reply.json()["code"] == "COMMON4041", path


def test_docs_are_served_from_the_installed_package_when_on():
    client = TestClient(create_app(GatewaySettings(api_docs=True)))
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("text/javascript")
    assert bundle.headers["cache-control"] == "public, max-age=86400"
