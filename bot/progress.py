"""Progress of a long maintainer command: numbered steps, and a line every few seconds while one runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Progress:
    """Numbered steps on stdout; a step that runs longer than a second says it is still going."""

    def __init__(self, out: Callable[[str], None] = print) -> None:
        self._out = out

    def say(self, text: str) -> None:
        """One line."""
        self._out(text)

    @contextmanager
    def step(self, title: str, *, every: float = 5.0, detail: Callable[[], str] = lambda: "") -> Iterator[None]:
        """Announce a step, report elapsed seconds (and `detail`) every `every` s, then how long it took."""
        self._out(f"- {title}...")
        started = time.monotonic()
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(every):
                extra = detail()
                self._out(f"    {title}: {time.monotonic() - started:.0f} s{f', {extra}' if extra else ''}")

        thread = threading.Thread(target=heartbeat, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
        self._out(f"  done in {time.monotonic() - started:.1f} s")
