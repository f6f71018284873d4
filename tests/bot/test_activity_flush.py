"""Turn counts written in the background are never missed by a reader who flushes at the same time."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

from bot import activity
from bot.activity import ActivityLog
from bot.answers.store import make_engine


def test_a_flush_waits_for_a_write_the_background_flusher_has_begun(tmp_path, monkeypatch) -> None:
    log = ActivityLog(make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    log.flush()  # the schema, before the slow writer is in place
    writing = threading.Event()
    real_session = activity.Session

    class SlowSession(real_session):  # type: ignore[misc, valid-type]
        def add_all(self, rows) -> None:  # the flusher has taken the batch and is writing it
            writing.set()
            time.sleep(0.3)
            super().add_all(rows)

    monkeypatch.setattr(activity, "Session", SlowSession)
    for _ in range(5):
        log.record_turn("answered", "about.what_is_il2", at=datetime(2026, 3, 2, 10))
    flusher = threading.Thread(target=log.flush)
    flusher.start()
    assert writing.wait(2)
    # The reader flushes while the batch is being written: it must wait and then see all five.
    days = dict(log.questions_per_day(date(2026, 3, 1)))
    flusher.join()
    assert days[date(2026, 3, 2)]["answered"] == 5
