"""Diary-service settings (environment variables with the GRIDAM_ prefix)."""

from __future__ import annotations

import zoneinfo

from pydantic import Field, field_validator

from diary_service.domain.pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gridam_runtime.limits import Rate, RateSetting
from gridam_runtime.settings import JobSettings


class DiarySettings(JobSettings):
    """The job settings serve its pipeline workers (`python -m diary_service worker`)."""

    grpc_port: int = 50052
    sqlite_file = "diary.db"
    # Users have no time-zone setting yet: every diary's date is the day in this zone.
    time_zone: str = "Asia/Seoul"
    title_max_chars: int = 100
    content_max_chars: int = 5000
    # Diaries in a page of ListDiaries when the caller leaves page_size 0 (the gateway's
    # /api/diary/list does, and joins the pages). At most domain.pages.MAX_PAGE_SIZE.
    diary_list_page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    # Per-user limits (gridam_runtime.limits), written count/seconds. A diary owes an analysis
    # and a card; a post, comment, reaction or like may notify someone.
    limit_diary_writes: RateSetting = Rate(20, 3600)
    limit_feed_posts: RateSetting = Rate(30, 3600)
    limit_comments: RateSetting = Rate(60, 600)
    limit_reactions: RateSetting = Rate(120, 600)
    # Comments one person may leave on one post. The post-wide cap (1,000) counts only the
    # others' comments, so no one can use up the owner's room to reply.
    comments_per_author_per_post: int = Field(100, ge=1)
    # Readers whose newest timeline posts the service keeps in memory (distributed profile, with
    # Redis; adapters/timeline_heads.py). 0: every page is read from the database.
    timeline_cached_readers: int = Field(10_000, ge=0)
    # How long a finished export can be downloaded before its archive is deleted (docs/export-import.md).
    export_ttl_hours: float = Field(72.0, gt=0)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value
