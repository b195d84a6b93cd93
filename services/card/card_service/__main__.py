"""`python -m card_service [serve|migrate]`"""

import argparse
import asyncio

from gridam_runtime.logs import configure_logging
from gridam_runtime.settings import load_settings
from card_service import bootstrap
from card_service.config import CardSettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="card_service", description="GriDam card service")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = load_settings(CardSettings)
    configure_logging("card-service", settings.log_level)
    if args.command == "migrate":
        bootstrap.migrate(settings)
    else:
        asyncio.run(bootstrap.serve(settings))


if __name__ == "__main__":
    main()
