"""notifications name who acted by a placeholder, filled with the nickname when shown
(decision 18 of the web contract); stored messages named the login handle

Revision ID: 0005
Revises: 0004

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

notifications = sa.table(
    "notifications",
    sa.column("notice_type", sa.String),
    sa.column("actor_login_id", sa.String),
    sa.column("message", sa.String),
    sa.column("content", sa.String),
)
# The same text as diary_service.service_layer.notifications (a migration keeps its own copy:
# the code may change after it).
ACTOR = "{actor}"
FOLLOW_CONTENT = "프로필에서 감정 카드를 둘러보세요."


def upgrade() -> None:
    # Every message with an actor begins "<login id>님이 …".
    op.execute(
        notifications.update()
        .where(notifications.c.actor_login_id != "")
        .values(
            message=sa.func.replace(
                notifications.c.message, notifications.c.actor_login_id + "님이", ACTOR + "님이"
            )
        )
    )
    op.execute(notifications.update().where(notifications.c.notice_type == "FOLLOW").values(content=FOLLOW_CONTENT))


def downgrade() -> None:
    op.execute(
        notifications.update()
        .where(notifications.c.actor_login_id != "")
        .values(message=sa.func.replace(notifications.c.message, ACTOR + "님이", notifications.c.actor_login_id + "님이"))
    )
    op.execute(
        notifications.update()
        .where(notifications.c.notice_type == "FOLLOW")
        .values(content=notifications.c.actor_login_id + "님의 프로필에서 감정 카드를 둘러보세요.")
    )
