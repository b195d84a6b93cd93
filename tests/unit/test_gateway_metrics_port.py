"""The gateway's /metrics is on GRIDAM_METRICS_PORT, served by the process that serves requests."""

import pytest
from pydantic import ValidationError

from gridam_gateway.config import GatewaySettings


def test_a_metrics_port_goes_with_a_single_worker() -> None:
    # Several uvicorn workers each count their own requests: one port could show only one of them.
    with pytest.raises(ValidationError, match="GRIDAM_METRICS_PORT"):
        GatewaySettings(metrics_port=9464, workers=2)
    assert GatewaySettings(metrics_port=0, workers=2).workers == 2
    assert GatewaySettings(metrics_port=9464).workers == 1
