"""What Linux's /proc says of a process's threads."""

from __future__ import annotations

import pathlib


def niceness(stat: pathlib.Path) -> int:
    """The nice value in a /proc/<pid>[/task/<tid>]/stat file: its 19th field, counted after
    the command name's closing parenthesis (the name itself may hold spaces)."""
    text = stat.read_text()
    return int(text[text.rindex(")") + 2 :].split()[16])
