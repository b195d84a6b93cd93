"""`python -m cdc_service [reader|projector]`: the two CDC deployables (bootstrap.py wires each)."""

from cdc_service import bootstrap
from cdc_service.config import CdcSettings
from gridam_runtime.cli import service_main

if __name__ == "__main__":
    service_main(
        "cdc_service",
        CdcSettings,
        {"reader": bootstrap.run_reader, "projector": bootstrap.run_projector},
        component="cdc",
        components={"reader": "cdc-reader", "projector": "cdc-projector"},
    )
