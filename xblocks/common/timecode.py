"""Time codes as authors write them (``H:MM:SS``, ``MM:SS`` or seconds, with optional fractions)."""

import math
import re

_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$")
_SECONDS = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


class TimecodeError(ValueError):
    """A time code that does not parse; the message says what was wrong."""


def parse_time(value):
    """Return seconds (float) for ``1:30:52``, ``11:40``, ``700`` or ``700.5`` (str, int or float)."""
    if isinstance(value, bool):
        raise TimecodeError(f"{value!r} is not a time")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _CLOCK.match(value)
        if match:
            hours, minutes, secs = match.groups()
            if float(secs) >= 60 or (hours is not None and int(minutes) >= 60):
                raise TimecodeError(f"{value!r} is not a valid time (minutes and seconds go up to 59)")
            seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
        elif _SECONDS.match(value):
            seconds = float(value)
        else:
            raise TimecodeError(f"{value!r} is not a time: write H:MM:SS, MM:SS or a number of seconds")
    else:
        raise TimecodeError(f"{value!r} is not a time: write H:MM:SS, MM:SS or a number of seconds")
    if not math.isfinite(seconds) or seconds < 0:
        raise TimecodeError(f"{value!r} is not a time: it must be a finite number of seconds, 0 or more")
    if seconds > 7 * 24 * 3600:
        raise TimecodeError(f"{value!r} is longer than a week: not a plausible recording time")
    return seconds


def format_time(seconds, always_hours=True):
    """``5472`` -> ``1:31:12``; fractions are dropped (floor); ``always_hours=False`` gives ``42:10``."""
    total = int(max(0.0, float(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours or always_hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_vtt(seconds):
    """WebVTT cue time: ``HH:MM:SS.mmm``."""
    millis = int(round(max(0.0, float(seconds)) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
