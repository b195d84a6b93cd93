# The images of the Python deployables (all but the gpu-worker), one build target each, named as
# its image. Build from the repository root, always naming the target:
#   docker build --target user-service -t gridam/user-service:<tag> .
# targets: gateway, user-service, diary-service, emotion-service, card-service, cdc.
#
# Why one file with targets: the images differed only in their code, their port, their module and
# their packages, so the builder and the runtime base (user, environment) are written once and a
# target adds only its own. A stage per image, not one stage and a build argument, because an
# exec-form ENTRYPOINT is never expanded: each target names its module itself. Each image installs
# only what its process imports: its own extra of pyproject.toml, from uv.lock (the lock file with
# hashes), built in a `<image>-venv` stage. The gpu-worker keeps gpu-worker/Dockerfile: a CUDA base
# on Ubuntu, not this Python image.

FROM python:3.11.15-slim-bookworm AS builder
# mysqlclient has no Linux wheel on PyPI: it is compiled here, against libmariadb-dev.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev pkg-config libmariadb-dev \
 && rm -rf /var/lib/apt/lists/*
# `uv sync --locked --no-install-project` installs the lock's packages for the extras named, each
# checked against its hash, without the project itself: the code is copied below in the
# repository's layout (Alembic finds migrations/ beside the package). --locked: a lock that no
# longer matches pyproject.toml stops the build.
RUN pip install --no-cache-dir uv==0.13.8
ENV UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
COPY pyproject.toml uv.lock /src/

FROM builder AS gateway-venv
RUN uv sync --locked --no-cache --no-install-project --extra gateway

FROM builder AS user-service-venv
RUN uv sync --locked --no-cache --no-install-project --extra user --extra mysql

FROM builder AS diary-service-venv
RUN uv sync --locked --no-cache --no-install-project --extra diary --extra mysql

FROM builder AS emotion-service-venv
RUN uv sync --locked --no-cache --no-install-project --extra emotion --extra mysql

FROM builder AS card-service-venv
RUN uv sync --locked --no-cache --no-install-project --extra card --extra mysql

FROM builder AS cdc-venv
RUN uv sync --locked --no-cache --no-install-project --extra cdc

# What every target shares. A target copies its venv first and its code after, so a release that
# changes only code reuses the venv's layer. The shared code: the runtime (gridam_runtime), the
# domain helpers (gridam_domain) and the generated protos; never the development tools.
FROM python:3.11.15-slim-bookworm AS runtime
# uid 10001: no clash with the uid 1000 user some base images ship. The data dir (keys, media,
# SQLite in the embedded profile) is the only path it may write; a volume in a pod.
RUN groupadd --system --gid 10001 gridam \
 && useradd --system --uid 10001 --gid gridam --no-create-home --home-dir /nonexistent gridam \
 && install -d -o 10001 -g 10001 /var/lib/gridam
# Each target appends its folder to PYTHONPATH. GRPC_EXPERIMENTS: gRPC's EventEngine off for
# connections, as gridam_runtime.tweaks.GRPC_EXPERIMENTS explains (read when a process starts).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app/libs:/app/protos/gen/python \
    GRIDAM_DATA_DIR=/var/lib/gridam \
    GRPC_EXPERIMENTS=-event_engine_client,-event_engine_listener
WORKDIR /app
# The code and the venv stay root-owned: read-only to the process.
USER 10001:10001

# The four gRPC services: `serve` by default, `migrate` (the migration Job) brings the schema up to date.
FROM runtime AS grpc-service
# libmariadb3: the client library mysqlclient (the `mysql` extra of these four) links against.
USER 0
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmariadb3 \
 && rm -rf /var/lib/apt/lists/*
USER 10001:10001
ENV GRIDAM_GRPC_HOST=0.0.0.0 \
    GRIDAM_GRPC_PORT=50051 \
    GRIDAM_METRICS_PORT=9464
# gRPC, Prometheus /metrics
EXPOSE 50051 9464

# A target sets ENTRYPOINT before CMD, and in its own stage: setting ENTRYPOINT clears an inherited CMD.

FROM grpc-service AS user-service
ENV PYTHONPATH=$PYTHONPATH:/app/services/user
COPY --from=user-service-venv /opt/venv /opt/venv
COPY libs/gridam_runtime libs/gridam_runtime
COPY libs/gridam_domain libs/gridam_domain
COPY protos/gen/python protos/gen/python
COPY services/user/user_service services/user/user_service
COPY services/user/migrations services/user/migrations
ENTRYPOINT ["python", "-m", "user_service"]
CMD ["serve"]

# The same image runs the pipeline workers (`worker`).
FROM grpc-service AS diary-service
ENV PYTHONPATH=$PYTHONPATH:/app/services/diary
COPY --from=diary-service-venv /opt/venv /opt/venv
COPY libs/gridam_runtime libs/gridam_runtime
COPY libs/gridam_domain libs/gridam_domain
COPY protos/gen/python protos/gen/python
COPY services/diary/diary_service services/diary/diary_service
COPY services/diary/migrations services/diary/migrations
ENTRYPOINT ["python", "-m", "diary_service"]
CMD ["serve"]

# Offline analyser only: the transformers classifier would need the `ml` extra (torch), not installed.
FROM grpc-service AS emotion-service
ENV PYTHONPATH=$PYTHONPATH:/app/services/emotion
COPY --from=emotion-service-venv /opt/venv /opt/venv
COPY libs/gridam_runtime libs/gridam_runtime
COPY libs/gridam_domain libs/gridam_domain
COPY protos/gen/python protos/gen/python
COPY services/emotion/emotion_service services/emotion/emotion_service
COPY services/emotion/migrations services/emotion/migrations
ENTRYPOINT ["python", "-m", "emotion_service"]
CMD ["serve"]

FROM grpc-service AS card-service
ENV PYTHONPATH=$PYTHONPATH:/app/services/card
COPY --from=card-service-venv /opt/venv /opt/venv
COPY libs/gridam_runtime libs/gridam_runtime
COPY libs/gridam_domain libs/gridam_domain
COPY protos/gen/python protos/gen/python
COPY services/card/card_service services/card/card_service
COPY services/card/migrations services/card/migrations
ENTRYPOINT ["python", "-m", "card_service"]
CMD ["serve"]

# CDC: `reader` (binlog → Kafka, one replica) or `projector` (Kafka → MongoDB). The binlog client
# speaks MySQL through PyMySQL. The reader keeps its position in Kafka: nothing is written locally.
FROM runtime AS cdc
ENV PYTHONPATH=$PYTHONPATH:/app/services/cdc \
    GRIDAM_METRICS_HOST=0.0.0.0 \
    GRIDAM_METRICS_PORT=9464
COPY --from=cdc-venv /opt/venv /opt/venv
COPY libs/gridam_runtime libs/gridam_runtime
COPY libs/gridam_domain libs/gridam_domain
COPY services/cdc/cdc_service services/cdc/cdc_service
# Prometheus /metrics (neither process serves gRPC)
EXPOSE 9464
ENTRYPOINT ["python", "-m", "cdc_service"]
CMD ["reader"]

# The REST gateway: the web API, /healthz, /readyz; /metrics on a port of its own. No command: it only serves.
FROM runtime AS gateway
ENV PYTHONPATH=$PYTHONPATH:/app/gateway \
    GRIDAM_HTTP_HOST=0.0.0.0 \
    GRIDAM_HTTP_PORT=8080 \
    GRIDAM_METRICS_PORT=9464
COPY --from=gateway-venv /opt/venv /opt/venv
COPY libs/gridam_runtime libs/gridam_runtime
COPY libs/gridam_domain libs/gridam_domain
COPY protos/gen/python protos/gen/python
COPY gateway/gridam_gateway gateway/gridam_gateway
# HTTP: the API; metrics
EXPOSE 8080 9464
ENTRYPOINT ["python", "-m", "gridam_gateway"]
