"""Swagger UI at /docs, served entirely by the gateway: its script and style come from the
installed `fastapi-offline` package (no CDN, nothing loaded from elsewhere), the page starts it
with a script of ours rather than an inline one, and a Content-Security-Policy allows nothing
else and no framing. Production turns the docs off (GRIDAM_API_DOCS=false)."""

from __future__ import annotations

import functools
import importlib.resources

from fastapi import APIRouter
from starlette.responses import HTMLResponse, Response

from gridam_gateway.errors import ApiError

ASSETS = importlib.resources.files("fastapi_offline") / "static"
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
}
INIT_SCRIPT = (
    'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,'
    " presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]});\n"
)
PAGE = """<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>GriDam API</title>
<link rel="icon" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
"""
# Swagger UI sets style attributes, so styles may be inline; scripts only from here.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
PAGE_HEADERS = {"content-security-policy": CSP, "x-frame-options": "DENY"}
# The assets change only with the package: browsers may keep them for a day.
ASSET_HEADERS = {**PAGE_HEADERS, "cache-control": "public, max-age=86400"}

router = APIRouter(prefix="/docs", include_in_schema=False)


@router.get("")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(PAGE, headers=PAGE_HEADERS)


@router.get("/assets/init.js")
async def init_script() -> Response:
    return Response(INIT_SCRIPT, media_type="text/javascript", headers=ASSET_HEADERS)


@functools.cache
def _asset_bytes(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


@router.get("/assets/{name}")
async def asset(name: str) -> Response:
    if name not in ASSET_TYPES:
        raise ApiError("COMMON4041")
    return Response(_asset_bytes(name), media_type=ASSET_TYPES[name], headers=ASSET_HEADERS)
