"""Real MariaDB, Redis, Kafka, a MongoDB-wire server (FerretDB) and Consul for the tests, each a
private throw-away instance on free ports under one folder, started without systemd or Docker
(docs/testing.md) and stopped afterwards."""

from __future__ import annotations

import base64
import contextlib
import os
import pathlib
import pwd
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from gridam_devtools.devstack import METRICS_ORDER, SERVICES

ROOT = pathlib.Path(__file__).resolve().parents[2]
KAFKA_LIBS = ROOT / "tools" / "kafka" / "libs"  # `make infra-tools` collects them from Maven Central
FERRETDB = ROOT / "tools" / "ferretdb" / "bin" / "ferretdb"  # `make infra-tools` builds it
CONSUL = ROOT / "tools" / "consul" / "bin" / "consul"  # `make infra-tools` builds it
MYSQL_USER = "gridam"
MYSQL_PASSWORD = "gridam-test-password"


# Listening ports are drawn below the kernel's ephemeral range (32768-60999 by default): a port
# handed out there can be taken, between the check and the server's bind, as the source port of
# any outgoing connection on the machine (the CDC processes and stacks make many).
PORTS = range(20000, 32768)
_random = random.Random()


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    return free_port_range(1)


# Ports handed out in this process: a stack's ports are drawn together and bound only when it
# starts, so a port still free when drawn must not be drawn again.
_handed_out: set[int] = set()


def free_port_range(count: int) -> int:
    """First of `count` consecutive free ports (checked, not reserved; never the same port twice
    in one process)."""
    for _ in range(200):
        first = _random.randrange(PORTS.start, PORTS.stop - count)
        ports = range(first, first + count)
        if _handed_out.isdisjoint(ports) and all(_bindable(port) for port in ports):
            _handed_out.update(ports)
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def _need(binary: str) -> str:
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if path is None:
        raise RuntimeError(f"{binary} not found: run `make system-deps` (Debian packages mariadb-server, redis-server)")
    return path


def _wait_for(check, what: str, process: subprocess.Popen, log: pathlib.Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout}s:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)


@dataclass
class MariaDb:
    root: pathlib.Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def socket_path(self) -> pathlib.Path:
        return self.root / "mysqld.sock"

    def url(self, database: str) -> str:
        return f"mysql+mysqldb://{MYSQL_USER}:{MYSQL_PASSWORD}@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        data = self.root / "data"
        as_root = os.geteuid() == 0
        user_args = ["--user=mysql"] if as_root else []
        if as_root:  # mariadbd refuses to run as root; the data belongs to mysql
            mysql = pwd.getpwnam("mysql")
            os.chown(self.root, mysql.pw_uid, mysql.pw_gid)
        subprocess.run(
            [_need("mariadb-install-db"), *user_args, f"--datadir={data}", "--auth-root-authentication-method=normal",
             "--skip-test-db"],
            check=True, capture_output=True,
        )
        self.config.write_text(
            "[mysqld]\n"
            f"datadir={data}\nsocket={self.socket_path}\nport={self.port}\nbind-address=127.0.0.1\n"
            f"pid-file={self.root / 'mysqld.pid'}\n"
            "skip-name-resolve\ninnodb_buffer_pool_size=128M\ninnodb_flush_log_at_trx_commit=2\n"
            "character-set-server=utf8mb4\ncollation-server=utf8mb4_unicode_ci\n"
            # Binlog as CDC needs it (docs/architecture.md, "CDC").
            f"server_id=1\nlog_bin={data / 'binlog'}\nbinlog_format=ROW\nbinlog_row_image=FULL\nbinlog_row_metadata=FULL\n"
        )
        self.launch()
        self.sql(
            f"CREATE USER IF NOT EXISTS '{MYSQL_USER}'@'127.0.0.1' IDENTIFIED BY '{MYSQL_PASSWORD}';"
            f"GRANT ALL ON *.* TO '{MYSQL_USER}'@'127.0.0.1';"
        )

    @property
    def config(self) -> pathlib.Path:
        return self.root / "my.cnf"

    def launch(self) -> None:
        """Run mariadbd on the data, port and settings `start` made; again after `stop` (an outage)."""
        log = self.root / "mariadb.log"
        user_args = ["--user=mysql"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen(
            [_need("mariadbd"), f"--defaults-file={self.config}", *user_args, f"--log-error={log}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        log.touch()
        _wait_for(lambda: self.sql("SELECT 1", check=False) == 0, "MariaDB", self.process, log)

    def sql(self, statement: str, *, check: bool = True) -> int:
        result = subprocess.run(
            ["mariadb", f"--socket={self.socket_path}", "-uroot", "-e", statement],
            capture_output=True, check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"SQL failed: {result.stderr.decode(errors='replace')}")
        return result.returncode

    def create_database(self, name: str) -> str:
        self.sql(f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` CHARACTER SET utf8mb4;")
        return self.url(name)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def private_mariadb(root: pathlib.Path) -> Iterator[MariaDb]:
    """A MariaDB of a test's own, for a test that stops and starts it (an outage of the session's
    would break the other tests)."""
    mariadb = MariaDb(root)
    mariadb.start()
    try:
        yield mariadb
    finally:
        mariadb.stop()


@dataclass
class Redis:
    root: pathlib.Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()  # a restart keeps the port (its data is gone: no persistence)
        log = self.root / "redis.log"
        log.touch()
        self.process = subprocess.Popen(
            [_need("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.root), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for(self._ping, "Redis", self.process, log)

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def _stop(process: subprocess.Popen | None, timeout: float = 30) -> None:
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Kafka:
    """Apache Kafka 4.3.1 from Maven Central jars: one combined broker + controller (KRaft,
    dynamic quorum formatted with --standalone), settings for fast single-node tests."""

    root: pathlib.Path
    port: int = 0
    controller_port: int = 0
    process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _java(self, *args: str, heap: str = "-Xmx768m") -> list[str]:
        if not KAFKA_LIBS.is_dir():
            raise RuntimeError(f"{KAFKA_LIBS} missing: run `make infra-tools`")
        return [_need("java"), "-Xms128m", heap, "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", f"{KAFKA_LIBS}/*", *args]

    def start(self) -> None:
        """Start on fresh ports (first call) or on the same ports and data again (a restart)."""
        self.root.mkdir(parents=True, exist_ok=True)
        config = self.root / "server.properties"
        if not self.port:
            self.port, self.controller_port = free_port(), free_port()
            config.write_text(
                "process.roles=broker,controller\nnode.id=1\n"
                f"controller.quorum.bootstrap.servers=127.0.0.1:{self.controller_port}\n"
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}\n"
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}\n"
                "inter.broker.listener.name=PLAINTEXT\ncontroller.listener.names=CONTROLLER\n"
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n"
                f"log.dirs={self.root / 'data'}\n"
                "num.partitions=1\noffsets.topic.replication.factor=1\noffsets.topic.num.partitions=1\n"
                "transaction.state.log.replication.factor=1\ntransaction.state.log.min.isr=1\n"
                "transaction.state.log.num.partitions=1\nshare.coordinator.state.topic.replication.factor=1\n"
                "share.coordinator.state.topic.min.isr=1\ngroup.initial.rebalance.delay.ms=0\n"
                "auto.create.topics.enable=false\n"
            )
            # A cluster id is 16 random bytes in URL-safe base64; Kafka's own never start with '-'.
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode().replace("-", "A", 1)
            subprocess.run(
                self._java("kafka.tools.StorageTool", "format", "--standalone", "-t", cluster_id, "-c", str(config), heap="-Xmx256m"),
                check=True, capture_output=True,
            )
        log = self.root / "kafka.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen(self._java("kafka.Kafka", str(config)), stdout=out, stderr=subprocess.STDOUT)
        _wait_for(self._ready, "Kafka", self.process, log, timeout=120)

    def _ready(self) -> bool:
        from confluent_kafka.admin import AdminClient

        if not _port_open(self.port):
            return False
        try:
            AdminClient({"bootstrap.servers": self.bootstrap_servers}).list_topics(timeout=2)
        except Exception:  # KafkaException while the broker is still starting
            return False
        return True

    def stop(self) -> None:
        _stop(self.process, timeout=60)


@dataclass
class FerretDb:
    """FerretDB v1.24.2 (MongoDB wire protocol over SQLite), built from the Go module proxy
    by `make infra-tools` (tools/ferretdb)."""

    root: pathlib.Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Start on a fresh port (first call) or on the same port and data again (a restart)."""
        if not FERRETDB.exists():
            raise RuntimeError(f"{FERRETDB} missing: run `make infra-tools`")
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        log = self.root / "ferretdb.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(FERRETDB), f"--listen-addr=127.0.0.1:{self.port}", f"--sqlite-dir={self.root / 'data'}"],
                stdout=out, stderr=subprocess.STDOUT,
            )
        _wait_for(lambda: _port_open(self.port), "FerretDB", self.process, log)

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class Consul:
    """Consul v1.22.7 (built by `make infra-tools`, tools/consul) as `consul agent -dev`: one
    server node on 127.0.0.1 that keeps its state in memory, so every restart wipes it, as an
    agent recreated without its data dir. With `acl_management_token`, ACLs are on with
    `default_policy = "deny"` and that token may do anything."""

    root: pathlib.Path
    acl_management_token: str = ""
    port: int = 0  # HTTP API
    process: subprocess.Popen | None = None

    @property
    def http_addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start on fresh ports (first call) or, empty again, on the same ports (a restart)."""
        if not CONSUL.exists():
            raise RuntimeError(f"{CONSUL} missing: run `make infra-tools`")
        self.root.mkdir(parents=True, exist_ok=True)
        config = self.root / "agent.hcl"
        if not self.port:
            self.port = free_port_range(6)
            http, dns, grpc, serf_lan, serf_wan, server = range(self.port, self.port + 6)
            acl = (
                f'acl {{\n  enabled = true\n  default_policy = "deny"\n'
                f'  tokens {{\n    initial_management = "{self.acl_management_token}"\n'
                f'    agent = "{self.acl_management_token}"\n  }}\n}}\n'
                if self.acl_management_token else ""
            )
            config.write_text(
                f"ports {{\n  http = {http}\n  dns = {dns}\n  grpc = {grpc}\n  grpc_tls = -1\n"
                f"  serf_lan = {serf_lan}\n  serf_wan = {serf_wan}\n  server = {server}\n}}\n{acl}"
            )
        log = self.root / "consul.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(CONSUL), "agent", "-dev", "-bind", "127.0.0.1", "-client", "127.0.0.1", "-node", "gridam-test",
                 "-log-level", "warn", "-config-file", str(config)],
                stdout=out, stderr=subprocess.STDOUT,
            )
        _wait_for(self._ready, "Consul", self.process, log)

    def _ready(self) -> bool:
        try:
            if self.api("GET", "/v1/status/leader").json() in ("", None):
                return False
            # With ACLs, the management token works only once the leader has set ACLs up.
            return not self.acl_management_token or self.api("GET", "/v1/acl/token/self").status_code == 200
        except httpx.HTTPError:
            return False

    def api(self, method: str, path: str, *, token: str | None = None, **kwargs) -> httpx.Response:
        """A call to the agent's HTTP API, with the management token unless `token` is given."""
        token = self.acl_management_token if token is None else token
        headers = {"X-Consul-Token": token} if token else {}
        return httpx.request(method, f"http://{self.http_addr}{path}", headers=headers, timeout=10, **kwargs)

    def create_token(self, rules: str) -> str:
        """A new ACL token with a policy of `rules` (HCL); returns its secret."""
        name = f"policy-{uuid.uuid4().hex[:8]}"
        policy = self.api("PUT", "/v1/acl/policy", json={"Name": name, "Rules": rules})
        policy.raise_for_status()
        token = self.api("PUT", "/v1/acl/token", json={"Policies": [{"ID": policy.json()["ID"]}]})
        token.raise_for_status()
        return token.json()["SecretID"]

    def passing_instances(self, service: str) -> list[str]:
        """IDs of the instances of `service` whose checks all pass."""
        reply = self.api("GET", f"/v1/health/service/{service}", params={"passing": "1"})
        reply.raise_for_status()
        return sorted(entry["Service"]["ID"] for entry in reply.json())

    def stop(self) -> None:
        _stop(self.process)


def stack_env(
    data_dir: pathlib.Path,
    mariadb: MariaDb | None = None,
    redis: Redis | None = None,
    *,
    databases: str = "gridam",
    kafka: Kafka | None = None,
    ferretdb: FerretDb | None = None,
) -> dict[str, str]:
    """Environment of a local stack (DevStack) on free ports with its data in `data_dir`:
    the distributed profile when MariaDB and Redis are given (a database per service, named
    `<databases>_<service>`), the embedded one otherwise; with Kafka and FerretDB too, the CDC
    reader and projector run and the services read the MongoDB read model."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "GRIDAM_DATA_DIR": str(data_dir),
        "GRIDAM_HTTP_PORT": str(free_port()),
        "GRIDAM_METRICS_PORT": str(free_port_range(len(METRICS_ORDER))),
        "GRIDAM_LOG_LEVEL": os.environ.get("GRIDAM_TEST_LOG_LEVEL", "WARNING"),
    }
    for spec in SERVICES:
        env[f"GRIDAM_{spec.key}_SERVICE_ADDR"] = f"127.0.0.1:{free_port()}"
    if mariadb is not None and redis is not None:
        env["GRIDAM_REDIS_URL"] = redis.url
        for spec in SERVICES:  # a database (schema) per service, as in production
            if spec.migrates:
                env[f"GRIDAM_{spec.key}_DATABASE_URL"] = mariadb.create_database(f"{databases}_{spec.key.lower()}")
        if kafka is not None and ferretdb is not None:
            env |= {
                "GRIDAM_CDC_MYSQL_URL": f"mysql://{MYSQL_USER}:{MYSQL_PASSWORD}@127.0.0.1:{mariadb.port}",
                "GRIDAM_CDC_TABLES": f"{databases}_diary.diaries,{databases}_emotion.diary_analyses,{databases}_card.cards",
                "GRIDAM_CDC_SERVER_ID": str(4000 + free_port() % 1000),
                "GRIDAM_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
                "GRIDAM_CDC_TOPIC_PREFIX": f"{databases}.cdc",
                "GRIDAM_CDC_PROJECTOR_GROUP": f"{databases}-projector",
                "GRIDAM_CDC_PROJECTOR_SESSION_TIMEOUT_SECONDS": "6",
                "GRIDAM_ANALYTICS_MONGODB_URL": ferretdb.url,
                "GRIDAM_ANALYTICS_MONGODB_DATABASE": databases,
            }
    # Never inherit the developer's own configuration.
    return {key: "" for key in os.environ if key.startswith("GRIDAM_")} | env
