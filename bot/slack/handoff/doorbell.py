"""A doorbell between the web process and its worker: a pipe that says "a request is waiting".

The worker also looks at the table on a timer, so a lost ring (a full pipe, another web process)
only delays work; the ring makes the usual case immediate without polling the database often.
"""

from __future__ import annotations

import contextlib
import os
import select
import time


class Doorbell:
    """Both ends of a non-blocking pipe; the worker may get only the reading end (`listening`)."""

    def __init__(self, read_fd: int | None = None, write_fd: int | None = None) -> None:
        if read_fd is None and write_fd is None:
            read_fd, write_fd = os.pipe()
        self.read_fd = read_fd
        self.write_fd = write_fd
        # Set when every ringing end is closed: the web process is gone, so the worker stops too.
        self.hung_up = False
        for fd in (read_fd, write_fd):
            if fd is not None:
                os.set_blocking(fd, False)

    @classmethod
    def listening(cls, read_fd: int) -> Doorbell:
        """The worker's end of a doorbell its parent process holds the other end of."""
        return cls(read_fd=read_fd)

    def ring(self) -> None:
        """Say a request is waiting; never blocks (a full pipe already says so)."""
        if self.write_fd is None:
            return
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self.write_fd, b"!")

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a ring; True if there was one (all are taken)."""
        if self.read_fd is None:
            return False
        readable, _, _ = select.select([self.read_fd], [], [], timeout)
        if not readable:
            return False
        try:
            while os.read(self.read_fd, 4096):
                pass
            # An empty read with nothing blocking it: no ringing end is left open anywhere.
            self.hung_up = True
        except BlockingIOError:
            pass
        return True

    def settle(self, quiet: float, at_most: float) -> None:
        """Wait until no ring has come for `quiet` seconds, or `at_most` seconds have passed."""
        deadline = time.monotonic() + at_most
        while (left := deadline - time.monotonic()) > 0 and self.wait(min(quiet, left)):
            pass

    def close(self) -> None:
        """Close both ends this process holds."""
        for fd in (self.read_fd, self.write_fd):
            if fd is not None:
                os.close(fd)
        self.read_fd = self.write_fd = None
