"""A progress bar for the long commands, drawn only on a terminal (a log
or a pipe gets the commands' lines and nothing else)."""

from __future__ import annotations

from django.core.management.base import OutputWrapper


class Progress:
    WIDTH = 30

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out
        self.shown = out.isatty()

    def update(self, done: int, total: int) -> None:
        if not self.shown:
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.out.write(f"\r[{bar}] {done}/{total}", ending="")
        self.out.flush()

    def clear(self) -> None:
        """Before a line is written: the bar is drawn again after it."""
        if self.shown:
            self.out.write("\r\033[K", ending="")
