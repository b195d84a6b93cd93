"""Unit of work of the card service: one transaction over its repositories."""

from __future__ import annotations

from sqlalchemy.orm import Session as DbSession

from card_service.adapters.repository import CardRepository
from gridam_runtime import db


class UnitOfWork(db.UnitOfWork):
    def _attach(self, session: DbSession) -> None:
        self.cards = CardRepository(session)
