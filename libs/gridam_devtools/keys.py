"""Create the keys and secrets of an installation (the embedded profile, tests; an operator
running it from a checkout for a Kubernetes Secret). The processes read them with
`gridam_runtime.tokens`.

`python -m gridam_devtools.keys <dir> [service ...]` writes, only where missing:
  jwt-ed25519.pem / jwt-ed25519.pub.pem  access-token signing key pair (user service / everyone)
  service-<name>-ed25519.pem / .pub.pem  service-token key pair of each service making internal calls
                                         (that service / its callees), for the names in SERVICE_CALLERS
                                         and any other service named (e.g. a benchmark calling the gpu-worker)
  media-url.key                          HMAC secret of signed image URLs (gateway)
  oauth-state.key                        HMAC secret of OAuth `state` values (user service)
In Kubernetes these come from Secrets instead.
"""

from __future__ import annotations

import os
import pathlib
import secrets
import sys
from collections.abc import Iterable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam_runtime.tokens import service_key_file

# The services that call other services' internal methods with service tokens (their names
# in discovery): the user service's outbox relay, the diary pipeline, the card service.
SERVICE_CALLERS = ("gridam-user", "gridam-diary", "gridam-card")


def _write_private(path: pathlib.Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _ensure_key_pair(private_path: pathlib.Path, public_path: pathlib.Path) -> None:
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        _write_private(
            private_path,
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        )
        public_path.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )


def ensure_keys(directory: pathlib.Path, extra_services: Iterable[str] = ()) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _ensure_key_pair(directory / "jwt-ed25519.pem", directory / "jwt-ed25519.pub.pem")
    for service in (*SERVICE_CALLERS, *extra_services):
        _ensure_key_pair(directory / service_key_file(service, public=False), directory / service_key_file(service, public=True))
    for name in ("media-url.key", "oauth-state.key"):
        if not (directory / name).exists():
            _write_private(directory / name, secrets.token_hex(32).encode())


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m gridam_devtools.keys <directory> [service name ...]")
    ensure_keys(pathlib.Path(sys.argv[1]), sys.argv[2:])
