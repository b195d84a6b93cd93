"""`python -m user_service [serve|migrate]`"""

import argparse

from gridam_runtime import server
from gridam_runtime.logs import configure_logging
from gridam_runtime.settings import load_settings
from user_service import bootstrap
from user_service.config import UserSettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="user_service", description="GriDam user service")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = load_settings(UserSettings)
    configure_logging("user-service", settings.log_level)
    if args.command == "migrate":
        bootstrap.migrate(settings)
    else:
        server.run(bootstrap.serve(settings))


if __name__ == "__main__":
    main()
