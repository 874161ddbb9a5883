"""What Linux's /proc says about a process and its children."""

from __future__ import annotations

from pathlib import Path


def children_of(pid: int) -> list[int]:
    """The process ids of `pid`'s children, whichever of its threads started them."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return sorted(found)


def alive(pid: int) -> bool:
    """Whether `pid` runs; a zombie (stopped, not yet reaped) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def niceness(pid: int) -> int:
    """The scheduling niceness of `pid` (0 by default; higher yields the CPU to others)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command's closing parenthesis, field 19 of proc(5) is the 17th.
    return int(fields[16])
