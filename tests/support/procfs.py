"""What Linux's /proc says of a process's threads and children."""

from __future__ import annotations

import pathlib


def niceness(stat: pathlib.Path) -> int:
    """The nice value in a /proc/<pid>[/task/<tid>]/stat file: its 19th field, counted after
    the command name's closing parenthesis (the name itself may hold spaces)."""
    text = stat.read_text()
    return int(text[text.rindex(")") + 2 :].split()[16])


def children(pid: int) -> list[int]:
    """The processes `pid` started (any of its threads), still running."""
    found: list[int] = []
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found
