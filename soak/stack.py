"""The distributed profile as the tests start it (tests/support/servers.py, DevStack) with discovery
through Consul and the media store on a small tmpfs, plus the faults the schedule applies to it."""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import yaml

from gridam_devtools.devstack import METRICS_ORDER, DevStack
from soak.monitoring import Monitoring
from tests.support import procfs
from tests.support.servers import Consul, FerretDb, Kafka, MariaDb, Redis, stack_env

MEDIA_SIZE = "4g"  # a tmpfs holds only what is written: ~350 KB a card
SERVICE_NAMES = ("user-service", "emotion-service", "gpu-worker", "card-service", "diary-service")
SERVERS = ("mariadb", "redis", "kafka", "ferretdb", "consul")
SETTINGS = {
    # A lease short enough that a job whose worker was killed is taken up again within the soak; the
    # back-off stays production's (a shorter one parks jobs during a 40 s outage on a loaded machine).
    "GRIDAM_JOB_LEASE_SECONDS": "10",
    "GRIDAM_WORKER_PROCESSES": "2",  # the gpu-worker's, on 2 cores
    "GRIDAM_DISCOVERY": "consul",
}


@dataclass
class Fault:
    """One line of the schedule: `kind` applied to `target` at `at` seconds into the load, held `hold` s."""

    at: float
    kind: str  # kill | kill-child | stop | restart | disk-full
    target: list[str]
    hold: float = 10.0
    count: int = 1  # kill-child: how many worker processes, `hold` s apart
    alerts: list[str] = field(default_factory=list)  # the chart's rules watching this component
    started_at: float = 0.0  # epoch seconds, once applied
    healed_at: float = 0.0
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind} {'+'.join(self.target)}" + (f" x{self.count}" if self.count > 1 else "")


def load_schedule(path: pathlib.Path) -> list[Fault]:
    faults = []
    for entry in yaml.safe_load(path.read_text())["faults"]:
        target = entry.pop("target")
        faults.append(Fault(target=[target] if isinstance(target, str) else list(target), **entry))
    return sorted(faults, key=lambda f: f.at)


class SoakStack:
    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        self.servers = {
            "mariadb": MariaDb(root / "mariadb"), "redis": Redis(root / "redis"), "kafka": Kafka(root / "kafka"),
            "ferretdb": FerretDb(root / "ferretdb"), "consul": Consul(root / "consul"),
        }
        self.data_dir = root / "stack"
        self.media = self.data_dir / "media"
        self.media_mounted = False
        self.dev: DevStack | None = None
        self.monitoring: Monitoring | None = None
        self.exits: list[tuple[float, str, int]] = []  # (when, process, exit status): exited on their own
        self._faulted: set[str] = set()  # processes a fault has killed and will start again itself
        self._lock = threading.Lock()

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # mariadbd runs as mysql
        for server in self.servers.values():
            server.start()
        self._mount_media()
        s = self.servers
        env = stack_env(self.data_dir, s["mariadb"], s["redis"], databases="soak", kafka=s["kafka"], ferretdb=s["ferretdb"])
        env |= SETTINGS | {"GRIDAM_CONSUL_HTTP_ADDR": s["consul"].http_addr, "GRIDAM_LOG_LEVEL": "WARNING"}
        self.dev = DevStack(env, log_dir=self.data_dir)
        try:
            self.dev.start()
        except Exception:
            for log in self.data_dir.glob("*.log"):
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
            raise
        self.monitoring = Monitoring(self.root / "monitoring", {name: self.dev.metrics_port(name) for name in METRICS_ORDER})
        self.monitoring.start()

    def _mount_media(self) -> None:
        """The media store on a tmpfs of MEDIA_SIZE, so the disk-full fault can shrink a real file
        system to what it holds, without filling the machine's disk. Mounting needs root (CAP_SYS_ADMIN); without it the media
        store stays on the disk and the disk-full fault is reported as not applied."""
        self.media.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={MEDIA_SIZE},mode=0755", "tmpfs", str(self.media)],
                                    capture_output=True, text=True)
            self.media_mounted = result.returncode == 0

    def stop(self) -> None:
        if self.monitoring is not None:
            self.monitoring.stop()
        if self.dev is not None:
            for managed in self.dev.processes:  # a process left stopped by an interrupted fault
                if managed.process.poll() is None:
                    managed.process.send_signal(signal.SIGCONT)
            self.dev.stop()
        for server in reversed(self.servers.values()):
            server.stop()
        if self.media_mounted:
            subprocess.run(["umount", "-l", str(self.media)], check=False)

    # --- faults ----------------------------------------------------------------------------

    def apply(self, fault: Fault) -> None:
        """Apply `fault`, hold it, heal it; started_at / healed_at record when."""
        fault.started_at = time.time()
        getattr(self, "_" + fault.kind.replace("-", "_"))(fault)
        fault.healed_at = time.time()

    def supervise(self, stop: threading.Event) -> None:
        """What Kubernetes does for a pod whose process exits (restartPolicy Always): start it again,
        here after 1 s; each such exit is recorded in `exits` (a process crashing on an outage)."""
        while not stop.wait(1.0):
            for name in METRICS_ORDER:
                with self._lock:
                    if name in self._faulted:
                        continue
                    status = self.dev.process(name).process.poll()
                    if status is not None:
                        self.exits.append((time.time(), name, status))
                        self._start_again(name)

    def _start_again(self, name: str) -> None:
        if name in SERVICE_NAMES:
            self.dev.restart_service(name)
        elif name == "diary-worker":
            self.dev.start_worker()
        elif name == "gateway":
            self.dev.restart(name, "gridam_gateway")
        else:
            self.dev.restart(name, "cdc_service", name.removeprefix("cdc-"))

    def _kill(self, fault: Fault) -> None:
        with self._lock:
            self._faulted.update(fault.target)
        try:
            for name in fault.target:
                process = self.dev.process(name).process
                process.send_signal(signal.SIGKILL)
                process.wait()
            time.sleep(fault.hold)
            with self._lock:
                for name in fault.target:
                    self._start_again(name)
        finally:
            with self._lock:
                self._faulted.difference_update(fault.target)

    def _kill_child(self, fault: Fault) -> None:
        """SIGKILL one worker process of the gpu-worker, `count` times: its dispatcher replaces it."""
        parent = self.dev.process(fault.target[0]).process.pid
        for n in range(fault.count):
            # Its workers, not multiprocessing's resource tracker (also a child).
            workers = [pid for pid in procfs.children(parent) if b"spawn_main" in pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()]
            if workers:
                os.kill(workers[0], signal.SIGKILL)
            else:
                fault.note = f"no worker process to kill at kill {n + 1}"
            time.sleep(fault.hold)

    def _stop(self, fault: Fault) -> None:
        processes = [self.dev.process(name).process for name in fault.target]
        for process in processes:
            process.send_signal(signal.SIGSTOP)
        time.sleep(fault.hold)
        for process in processes:
            process.send_signal(signal.SIGCONT)

    def _restart(self, fault: Fault) -> None:
        for name in fault.target:
            self.servers[name].stop()
        time.sleep(fault.hold)
        for name in fault.target:
            server = self.servers[name]
            server.launch() if isinstance(server, MariaDb) else server.start()

    def _disk_full(self, fault: Fault) -> None:
        """The media store's tmpfs shrunk to what it holds (plus a page or two, filled), then grown back."""
        if not self.media_mounted:
            fault.note = "not applied: the media store could not be mounted as a tmpfs (not root)"
            return
        used = shutil.disk_usage(self.media).used
        self._resize_media(f"{used // 1024 + 64}k")
        filler = self.media / "soak-filler"
        with filler.open("wb") as out:  # the little room left
            try:
                out.write(b"\0" * (1 << 20))
            except OSError:
                pass
        time.sleep(fault.hold)
        filler.unlink()
        self._resize_media(MEDIA_SIZE)

    def _resize_media(self, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(self.media)], check=True, capture_output=True)
