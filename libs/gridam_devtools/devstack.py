"""Run the whole mesh locally as separate processes: `make run` (embedded profile) and the
end-to-end tests (distributed profile, with their own environment).

    python -m gridam_devtools.devstack        # embedded profile, Ctrl-C stops everything
"""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gridam_devtools.keys import ensure_keys
from gridam_runtime.settings import REPO_ROOT
from gridam_runtime.tweaks import GRPC_EXPERIMENTS

STARTUP_TIMEOUT_SECONDS = 60


@dataclass
class Managed:
    name: str
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class ServiceSpec:
    """One gRPC service of the mesh as the dev stack runs it."""

    name: str  # process name and log file, e.g. "user-service"
    module: str  # python -m <module>
    key: str  # USER -> GRIDAM_USER_SERVICE_ADDR, GRIDAM_USER_DATABASE_URL
    default_port: int
    health_service: str
    migrates: bool = True  # has a database of its own


# Start order: a service's callees first.
SERVICES = (
    ServiceSpec("user-service", "user_service", "USER", 50051, "gridam.user.v1.UserService"),
    ServiceSpec("emotion-service", "emotion_service", "EMOTION", 50053, "gridam.emotion.v2.EmotionService"),
    ServiceSpec("gpu-worker", "gpu_worker", "IMAGEGEN", 50055, "gridam.imagegen.v2.ImageGenService", migrates=False),
    ServiceSpec("card-service", "card_service", "CARD", 50054, "gridam.card.v2.CardService"),
    ServiceSpec("diary-service", "diary_service", "DIARY", 50052, "gridam.diary.v1.DiaryService"),
)


def _spec(name: str) -> ServiceSpec:
    return next(s for s in SERVICES if s.name == name)


# Metrics ports of the processes, from GRIDAM_METRICS_PORT upwards in this order.
METRICS_ORDER = (
    "user-service", "emotion-service", "gpu-worker", "card-service", "diary-service", "diary-worker", "gateway",
    "cdc-reader", "cdc-projector",
)


def grpc_serving(address: str, service: str = "") -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            # types-grpcio-health-checking's HealthStub lacks the methods gRPC sets in its __init__.
            reply: health_pb2.HealthCheckResponse = health_pb2_grpc.HealthStub(channel).Check(  # type: ignore[attr-defined]
                health_pb2.HealthCheckRequest(service=service), timeout=1
            )
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


class DevStack:
    """Starts migrations, the services, the pipeline workers, the CDC reader and projector (when
    GRIDAM_CDC_MYSQL_URL is set) and the gateway; stops them in reverse order.

    Every process gets its own GRIDAM_GRPC_PORT (from GRIDAM_<SERVICE>_SERVICE_ADDR), its own
    GRIDAM_DATABASE_URL (GRIDAM_<SERVICE>_DATABASE_URL; default SQLite under the data folder)
    and its own metrics port (GRIDAM_METRICS_PORT + n; 0 = none). All of them run with gRPC's
    EventEngine off for connections (tweaks.GRPC_EXPERIMENTS) unless the environment sets
    GRPC_EXPERIMENTS itself.
    """

    def __init__(self, env: Mapping[str, str], *, log_dir: pathlib.Path | None = None) -> None:
        self.env = {"GRPC_EXPERIMENTS": GRPC_EXPERIMENTS, **os.environ, **env}
        self.data_dir = pathlib.Path(self.env.get("GRIDAM_DATA_DIR", REPO_ROOT / "var"))
        self.log_dir = log_dir
        self.processes: list[Managed] = []

    @property
    def http_url(self) -> str:
        return f"http://{self.env.get('GRIDAM_HTTP_HOST', '127.0.0.1')}:{self.env.get('GRIDAM_HTTP_PORT', '8080')}"

    def _spawn(
        self, name: str, module: str, extra_env: Mapping[str, str] | None = None, args: tuple[str, ...] = ()
    ) -> Managed:
        output = open(self.log_dir / f"{name}.log", "ab") if self.log_dir else None  # closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env={**self.env, **(extra_env or {})},
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        managed = Managed(name, process)
        self.processes.append(managed)
        return managed

    def _wait(self, managed: Managed, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not ready():
            if managed.process.poll() is not None:
                raise RuntimeError(f"{managed.name} exited with {managed.process.returncode} while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{managed.name} not ready after {STARTUP_TIMEOUT_SECONDS}s")
            time.sleep(0.1)

    def address(self, spec: ServiceSpec) -> str:
        return self.env.get(f"GRIDAM_{spec.key}_SERVICE_ADDR") or f"127.0.0.1:{spec.default_port}"

    def metrics_port(self, name: str) -> int:
        """Prometheus port of a process (0 = none)."""
        base = int(self.env.get("GRIDAM_METRICS_PORT") or 0)
        return base + METRICS_ORDER.index(name) if base else 0

    def _metrics_port(self, name: str) -> str:
        return str(self.metrics_port(name))

    def _service_env(self, spec: ServiceSpec) -> dict[str, str]:
        return {
            "GRIDAM_GRPC_PORT": self.address(spec).rpartition(":")[2],
            "GRIDAM_DATABASE_URL": self.env.get(f"GRIDAM_{spec.key}_DATABASE_URL", ""),
            "GRIDAM_METRICS_PORT": self._metrics_port(spec.name),
        }

    def migrate(self, name: str) -> None:
        """Bring a service's database to the newest schema (creating the keys if missing)."""
        ensure_keys(self.data_dir / "keys")
        spec = _spec(name)
        env = {**self.env, **self._service_env(spec)}
        subprocess.run([sys.executable, "-m", spec.module, "migrate"], env=env, check=True)

    def start(self) -> None:
        ensure_keys(self.data_dir / "keys")
        for spec in SERVICES:
            if spec.migrates:
                self.migrate(spec.name)
        for spec in SERVICES:
            managed = self._spawn(spec.name, spec.module, self._service_env(spec))
            self._wait_serving(managed, spec, self.address(spec))
        self.start_worker()
        if self.env.get("GRIDAM_CDC_MYSQL_URL"):  # the distributed profile's read model
            for command in ("reader", "projector"):
                self.restart(f"cdc-{command}", "cdc_service", command)
        # Several gateway workers (the profile benchmark's --workers) would each count their own
        # requests, and the gateway refuses a metrics port then.
        single = int(self.env.get("GRIDAM_WORKERS") or 1) == 1
        gateway = self._spawn("gateway", "gridam_gateway", {"GRIDAM_METRICS_PORT": self._metrics_port("gateway") if single else "0"})
        self._wait(gateway, lambda: http_ok(self.http_url + "/readyz"))

    def start_worker(self) -> Managed:
        """Start the pipeline worker (again, after a test killed it: its metrics port is free)."""
        diary = next(s for s in SERVICES if s.key == "DIARY")
        return self._spawn(
            "diary-worker",
            "diary_service",
            {**self._service_env(diary), "GRIDAM_METRICS_PORT": self._metrics_port("diary-worker")},
            args=("worker",),
        )

    def restart_service(self, name: str) -> Managed:
        """Start a service again after a test killed it, and wait until it serves."""
        spec = _spec(name)
        managed = self._spawn(spec.name, spec.module, self._service_env(spec))
        self._wait_serving(managed, spec, self.address(spec))
        return managed

    def start_instance(
        self, name: str, port: int, *, metrics_port: int = 0, env: Mapping[str, str] | None = None, wait: bool = True
    ) -> Managed:
        """Another instance of a service, on `port` (callers find it through Consul discovery),
        with a metrics port of its own or none; waits until it serves unless `wait` is false."""
        spec = _spec(name)
        managed = self._spawn(
            f"{spec.name}-{port}",
            spec.module,
            {**self._service_env(spec), "GRIDAM_GRPC_PORT": str(port), "GRIDAM_METRICS_PORT": str(metrics_port), **(env or {})},
        )
        if wait:
            self._wait_serving(managed, spec, f"{self.address(spec).rpartition(':')[0]}:{port}")
        return managed

    def _wait_serving(self, managed: Managed, spec: ServiceSpec, address: str) -> None:
        self._wait(managed, lambda: grpc_serving(address, spec.health_service))

    def restart(self, name: str, module: str, *args: str) -> Managed:
        """Start a process without a gRPC port (a CDC process), again after a test stopped it."""
        return self._spawn(name, module, {"GRIDAM_METRICS_PORT": self._metrics_port(name)}, args=args)

    def process(self, name: str) -> Managed:
        return next(m for m in reversed(self.processes) if m.name == name)

    def stop(self, timeout: float = 15.0) -> None:
        for managed in reversed(self.processes):
            if managed.process.poll() is None:
                managed.process.send_signal(signal.SIGTERM)
        for managed in reversed(self.processes):
            try:
                managed.process.wait(timeout)
            except subprocess.TimeoutExpired:
                managed.process.kill()
                managed.process.wait()
        self.processes.clear()


def main() -> None:
    stack = DevStack({"GRIDAM_METRICS_PORT": os.environ.get("GRIDAM_METRICS_PORT", "9464")})
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        stack.start()
        print(f"\nGriDam is running (embedded profile): {stack.http_url}  API docs: {stack.http_url}/docs")
        print("Press Ctrl-C to stop.\n", flush=True)
        while all(m.process.poll() is None for m in stack.processes):
            time.sleep(0.5)
        failed = [m.name for m in stack.processes if m.process.poll() is not None]
        print(f"stopped: {', '.join(failed)} exited", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("GriDam stopped.")


if __name__ == "__main__":
    main()
