"""Serving a contract's previous version beside the new one (docs/protos.md): what the old
version's servicer, a thin adapter over the new one, needs.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import Message

MessageT = TypeVar("MessageT", bound=Message)


def recast(message: Message, into: type[MessageT]) -> MessageT:
    """`message` read as `into`, another version's message of the same wire form (the same field
    numbers and wire types, e.g. emotion.v1's Emotion and gridam.common.v1's: the same numbers)."""
    return into.FromString(message.SerializeToString())
