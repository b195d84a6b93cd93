"""`python -m card_service [serve|migrate]`"""

from card_service import bootstrap
from card_service.config import CardSettings
from gridam_runtime.cli import service_main

if __name__ == "__main__":
    service_main(
        "card_service", CardSettings, {"serve": bootstrap.serve, "migrate": bootstrap.migrate}, component="card-service"
    )
