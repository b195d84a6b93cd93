"""`python -m cdc_service [reader|projector]`: the two CDC deployables."""

from cdc_service.config import CdcSettings
from gridam_runtime.cli import service_main


# Each command imports only its own side (the reader needs no MongoDB driver, the projector no
# binlog client).
def _reader(settings: CdcSettings) -> None:
    from cdc_service import reader

    reader.run(settings)


def _projector(settings: CdcSettings):
    from cdc_service import projector

    return projector.run(settings)


if __name__ == "__main__":
    service_main(
        "cdc_service",
        CdcSettings,
        {"reader": _reader, "projector": _projector},
        component="cdc-reader",
        components={"projector": "cdc-projector"},
    )
