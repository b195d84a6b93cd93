"""`python -m diary_service [serve|worker|migrate]`"""

from diary_service import bootstrap
from diary_service.config import DiarySettings
from gridam_runtime.cli import service_main

if __name__ == "__main__":
    service_main(
        "diary_service",
        DiarySettings,
        {"serve": bootstrap.serve, "worker": bootstrap.work, "migrate": bootstrap.migrate},
        component="diary-service",
        components={"worker": "diary-worker"},
    )
