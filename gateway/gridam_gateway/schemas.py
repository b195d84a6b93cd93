"""Request bodies of the web API, named as the web frontend sends them (camelCase).
Unknown fields are ignored (the frontend spreads whole form objects into some bodies);
wrong types are a 400 with the field named."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

_TEXT = 1000  # generous upper bound at the edge; services apply the real rules


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class LoginBody(Body):
    loginId: str = Field(max_length=_TEXT)
    password: str = Field(max_length=_TEXT)


class ReissueBody(Body):
    refreshToken: str = Field(max_length=_TEXT)


class SmsSendBody(Body):
    phoneNum: str = Field(max_length=40)


class SmsVerifyBody(Body):
    phoneNum: str = Field(max_length=40)
    certificationCode: str = Field(max_length=20)


class SignUpBody(Body):
    loginId: str = Field(max_length=_TEXT)
    password: str = Field(max_length=_TEXT)
    checkPassword: str = Field(max_length=_TEXT)
    nickname: str = Field(max_length=_TEXT)
    phoneNum: str = Field(max_length=40)
    auth: bool = False  # the client's own "verified" flag; never trusted (decision 8)


class NicknameBody(Body):
    nickname: str = Field(max_length=_TEXT)


class IntroductionBody(Body):
    introduction: str = Field(max_length=_TEXT)


class PasswordChangeBody(Body):
    password: str = Field(max_length=_TEXT)
    changedPassword: str = Field(max_length=_TEXT)
    checkPassword: str = Field(max_length=_TEXT)


class AccountDeletionBody(Body):
    # Empty for an account with social login only (a fresh login is its proof).
    password: str = Field("", max_length=_TEXT)


class FeedUploadBody(Body):
    content: str = Field(default="", max_length=_TEXT)
    public: bool = True
    # Wins over `public` when present (decision 3).
    # PUBLIC, FOLLOWERS or PRIVATE; checked in the route, so that another value gets FEED4002.
    audience: str | None = Field(default=None, max_length=20)
    # Must be true to share a card of a safety-flagged diary (else 400 FEED4007); other cards ignore it.
    confirmSensitive: bool = Field(
        default=False, description="마음이 힘든 날(safetyFlag)의 카드를 공유한다는 확인. 그런 카드는 true여야 공유됩니다."
    )


class ReactionBody(Body):
    reactionType: str = Field(max_length=20)


class CommentBody(Body):
    content: str = Field(max_length=_TEXT)
    # Only when replying: a comment of the same post.
    parentCommentId: int | None = Field(default=None, ge=1, le=2**63 - 1)


class CheckNotificationsBody(Body):
    # The caller's notifications to mark read; omitted or null with `all: true` for all.
    notificationIds: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(default=None, max_length=100)
    all: bool = False
