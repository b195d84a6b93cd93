"""`python -m emotion_service [serve|migrate]`"""

import argparse

from gridam_runtime import server
from gridam_runtime.logs import configure_logging
from gridam_runtime.settings import load_settings
from emotion_service import bootstrap
from emotion_service.config import EmotionSettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="emotion_service", description="GriDam emotion service")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = load_settings(EmotionSettings)
    configure_logging("emotion-service", settings.log_level)
    if args.command == "migrate":
        bootstrap.migrate(settings)
    else:
        server.run(bootstrap.serve(settings))


if __name__ == "__main__":
    main()
