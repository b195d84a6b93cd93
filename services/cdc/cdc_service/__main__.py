"""`python -m cdc_service [reader|projector]`: the two CDC deployables.

Each command imports only what it runs (the reader needs no MongoDB driver, the projector no
binlog client). What a command returns is run by service_main (a coroutine on the event loop).
"""

from cdc_service.config import CdcSettings
from gridam_runtime.cli import service_main


def reader(settings: CdcSettings):
    from cdc_service.reader import run  # services/cdc/cdc_service/reader.py

    return run(settings)


def projector(settings: CdcSettings):
    from cdc_service.projector import run

    return run(settings)


if __name__ == "__main__":
    service_main(
        "cdc_service",
        CdcSettings,
        {"reader": reader, "projector": projector},
        component="cdc",
        components={"reader": "cdc-reader", "projector": "cdc-projector"},
    )
