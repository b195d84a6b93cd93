"""`python -m emotion_service [serve|migrate]`"""

from emotion_service import bootstrap
from emotion_service.config import EmotionSettings
from gridam_runtime.cli import service_main

if __name__ == "__main__":
    service_main(
        "emotion_service",
        EmotionSettings,
        {"serve": bootstrap.serve, "migrate": bootstrap.migrate},
        component="emotion-service",
    )
