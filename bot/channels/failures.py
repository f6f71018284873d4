"""How a channel logs a turn that failed: where, and the kind of error, never the patient's words.

An exception's message can hold what the patient typed: SQLAlchemy puts the parameters of the failed
statement (the tracker's events, with the message text) into it, Rasa some of the turn's data. So the
log gets the exception's type and the code location (file, line, function of each frame), not its text.
"""

from __future__ import annotations

import logging
import traceback


def log_failed_turn(logger: logging.Logger, channel: str, error: BaseException) -> None:
    """One error line for a failed turn: the channel, the error's type and its frames, nothing it carried."""
    frames = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__, limit=-8)))
    logger.error("%s: handling a message failed (%s)\n%s", channel, type(error).__name__, frames.rstrip())
