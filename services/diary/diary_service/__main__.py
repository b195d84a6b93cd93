"""`python -m diary_service [serve|worker|migrate]`"""

import argparse

from diary_service import bootstrap
from diary_service.config import DiarySettings
from gridam_runtime import server
from gridam_runtime.logs import configure_logging
from gridam_runtime.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="diary_service", description="GriDam diary service")
    parser.add_argument("command", choices=["serve", "worker", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = load_settings(DiarySettings)
    configure_logging("diary-worker" if args.command == "worker" else "diary-service", settings.log_level)
    if args.command == "migrate":
        bootstrap.migrate(settings)
    elif args.command == "worker":
        server.run(bootstrap.work(settings))
    else:
        server.run(bootstrap.serve(settings))


if __name__ == "__main__":
    main()
