"""Exports and imports together, as the servicer holds them, and their gRPC message."""

from __future__ import annotations

from dataclasses import dataclass

from diary_service.adapters.orm import TRANSFER_DONE, TRANSFER_EXPIRED, Export, Import
from diary_service.service_layer import exports, imports
from gridam.diary.v1 import diary_service_pb2 as pb
from gridam_runtime.timestamps import timestamp

STATES = {TRANSFER_DONE: pb.TRANSFER_STATE_DONE, TRANSFER_EXPIRED: pb.TRANSFER_STATE_EXPIRED}


@dataclass(frozen=True)
class Transfers:
    exports: exports.Exports
    imports: imports.Imports


def message(row: Export | Import) -> pb.Transfer:
    transfer = pb.Transfer(
        id=row.id,
        state=STATES.get(row.state, pb.TRANSFER_STATE_RUNNING),
        diaries_done=row.diaries_done,
        diaries_total=row.diaries_total,
        images_done=row.images_done,
        images_total=row.images_total,
        created_at=timestamp(row.created_at),
    )
    if isinstance(row, Export):
        transfer.progress = exports.progress(row)
        transfer.archive_key = row.archive_key
        if row.expires_at is not None:
            transfer.expires_at.CopyFrom(timestamp(row.expires_at))
    else:
        transfer.progress = imports.progress(row)
        transfer.format = row.format
        transfer.diaries_added = row.diaries_added
    return transfer
