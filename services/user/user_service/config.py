"""User-service settings (environment variables with the GRIDAM_ prefix)."""

from __future__ import annotations

import pathlib

from pydantic import Field

from gridam_runtime.limits import Rate, RateSetting
from gridam_runtime.settings import JobSettings
from user_service.adapters import oauth
from user_service.adapters.sms import SmsSettings


class UserSettings(JobSettings, SmsSettings):
    """The job settings serve the outbox relay (service_layer/outbox.py); the diary service is
    reached at GRIDAM_DIARY_SERVICE_ADDR (or through Consul); SmsSettings choose the SMS sender."""

    grpc_port: int = 50051
    sqlite_file = "user.db"
    jwt_private_key_file: pathlib.Path | None = None
    oauth_state_key_file: pathlib.Path | None = None
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 14 * 24 * 3600

    phone_code_ttl_seconds: int = 180
    phone_code_max_attempts: int = 5
    # The limits below are counted by the limiter (gridam_runtime.limits): at least 1 each.
    phone_resend_interval_seconds: int = Field(30, ge=1)
    phone_daily_limit: int = Field(10, ge=1)
    # Codes one network address may ask for (to any numbers) per window: SMS cost, harassment.
    phone_max_sends_per_address: int = Field(20, ge=1)
    phone_address_window_seconds: int = Field(3600, ge=1)
    # Decision 8: a verified number may be used for sign-up for 10 minutes.
    phone_verified_window_seconds: int = 600

    login_max_failures_per_account: int = Field(5, ge=1)
    login_account_window_seconds: int = Field(900, ge=1)
    login_max_attempts_per_address: int = Field(30, ge=1)
    login_address_window_seconds: int = Field(300, ge=1)
    # Password hashes (argon2: ~64 MiB and tens of ms of CPU each) computed at once; more wait.
    password_hash_concurrency: int = Field(2, ge=1)

    # Account deletion (docs/account-deletion.md): how long a deleted account's login id stays
    # reserved, and how recent a social-only account's login must be to delete it.
    deleted_login_id_cool_down_days: int = Field(30, ge=0)
    account_deletion_fresh_login_seconds: int = Field(600, ge=60)

    # Per-user and per-address limits (gridam_runtime.limits), written count/seconds.
    limit_sign_ups_per_address: RateSetting = Rate(10, 3600)
    # Sign-up attempts with one verified number: a verification cannot probe login ids without end.
    limit_sign_up_attempts_per_phone: RateSetting = Rate(5, 600)
    limit_password_changes: RateSetting = Rate(5, 900)
    limit_follows: RateSetting = Rate(100, 3600)
    limit_avatar_uploads: RateSetting = Rate(20, 3600)

    # OAuth providers; an empty client id disables the provider.
    kakao_client_id: str = ""
    kakao_client_secret: str = ""
    kakao_redirect_uri: str = "http://127.0.0.1:8080/login/oauth/kakao/callback"
    kakao_authorize_url: str = oauth.KAKAO_AUTHORIZE_URL
    kakao_token_url: str = oauth.KAKAO_TOKEN_URL
    kakao_userinfo_url: str = oauth.KAKAO_USERINFO_URL
    naver_client_id: str = ""
    naver_client_secret: str = ""
    naver_redirect_uri: str = "http://127.0.0.1:8080/login/oauth/naver/callback"
    naver_authorize_url: str = oauth.NAVER_AUTHORIZE_URL
    naver_token_url: str = oauth.NAVER_TOKEN_URL
    naver_userinfo_url: str = oauth.NAVER_USERINFO_URL

    @property
    def jwt_private_key_path(self) -> pathlib.Path:
        return self.jwt_private_key_file or self.keys_dir / "jwt-ed25519.pem"

    @property
    def oauth_state_key_path(self) -> pathlib.Path:
        return self.oauth_state_key_file or self.keys_dir / "oauth-state.key"

    @property
    def sms_outbox_path(self) -> pathlib.Path:
        return self.data_dir / "sms-outbox.jsonl"
