"""`python -m user_service [serve|migrate]`"""

from gridam_runtime.cli import service_main
from user_service import bootstrap
from user_service.config import UserSettings

if __name__ == "__main__":
    service_main(
        "user_service", UserSettings, {"serve": bootstrap.serve, "migrate": bootstrap.migrate}, component="user-service"
    )
