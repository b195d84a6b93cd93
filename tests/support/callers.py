"""Test double of the Authenticator for service-layer unit tests: whoever the test says is signed in."""

from __future__ import annotations

from gridam_runtime.context import Identity


class Caller:
    """Signed in as `user_id`; a test changes it to act as someone else."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def require(self) -> Identity:
        return Identity(user_id=self.user_id, login_id=f"user{self.user_id}", session_id="s", expires_at=2_000_000_000)
