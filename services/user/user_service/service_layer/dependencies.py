"""What the service layer needs, wired once by bootstrap (tests wire their own)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher

from gridam_domain.storage import ObjectStorage
from gridam_runtime.auth import Authenticator
from gridam_runtime.copies import Changes, UnsharedChanges
from gridam_runtime.db import utcnow
from gridam_runtime.kv import RevocationList
from gridam_runtime.limits import Limiter
from gridam_runtime.tokens import AccessTokenIssuer
from user_service.adapters.oauth import OAuthProviderClient
from user_service.adapters.sms import SmsSender
from user_service.config import UserSettings
from user_service.unit_of_work import ReadUnitOfWork, UnitOfWork


@dataclass(frozen=True)
class Dependencies:
    settings: UserSettings
    uow: Callable[[], UnitOfWork]
    reads: Callable[[], ReadUnitOfWork]
    issuer: AccessTokenIssuer
    authenticator: Authenticator
    hasher: PasswordHasher
    limiter: Limiter
    revocations: RevocationList
    sms: SmsSender
    storage: ObjectStorage
    oauth_providers: Mapping[str, OAuthProviderClient]
    oauth_state_key: bytes
    # Told after each commit that changes someone's followees (the diary service's copies) ...
    follow_changes: Changes = UnsharedChanges()
    # ... or someone's nickname or avatar, or deletes an account (the gateway's copies).
    profile_changes: Changes = UnsharedChanges()
    clock: Callable[[], datetime.datetime] = utcnow
