"""A small progress bar on stderr: redrawn in place on a terminal, a line per stage otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    """Counts ``done`` out of ``total`` for one build stage and draws it."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None, enabled=True):
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.interactive = enabled and self.stream.isatty()
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._draw(force=True)

    def advance(self, count: int) -> None:
        self.done = min(self.done + count, self.total)
        self._draw()

    def close(self) -> None:
        self.done = self.total
        self._draw(force=True, final=True)

    def render(self) -> str:
        share = self.done / self.total
        filled = round(WIDTH * share)
        bar = "#" * filled + "-" * (WIDTH - filled)
        elapsed = time.monotonic() - self.started
        counts = f"{self.done:>9,}/{self.total:,}"
        return f"{self.label:<22} [{bar}] {share:4.0%} {counts} {elapsed:5.1f}s"

    def _draw(self, *, force: bool = False, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self.interactive:
            if force or now - self._last_draw > 0.1:
                self.stream.write("\r" + self.render() + ("\n" if final else ""))
                self.stream.flush()
                self._last_draw = now
        elif final:
            self.stream.write(self.render() + "\n")
            self.stream.flush()
