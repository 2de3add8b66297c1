"""Progress rules for one learner: rows, overall progress and the next step (plain, no runtime).

Input: the tracks (dicts as in ``olx``) and a ``Status`` per ref (what the completion service or the
tracked block's ``progress_summary()`` said; ``None`` when nothing could be read). A video and the quiz of
the same ``session`` share one row. Texts come through ``gettext`` (the block passes its i18n service's).
"""

from dataclasses import dataclass, field

from xblocks.common.timecode import format_time

DONE = 1.0 - 1e-9


@dataclass
class Status:
    """What is known of one tracked module for the learner."""

    completion: float = 0.0
    summary: dict = field(
        default_factory=dict
    )  # the block's progress_summary() when read through the runtime
    usage_id: str = ""  # the tracked block's usage id on this page (preview), for same-page jumps

    @property
    def complete(self):
        return self.completion >= DONE


def _identity(text):
    return text


def display_percent(completion, complete=None):
    """Whole percent for display: never 0% once started, never 100% before complete."""
    share = clamp(completion)
    done = share >= DONE if complete is None else complete
    if done:
        return 100
    if share <= 0:
        return 0
    return min(99, max(1, round(100 * share)))


def clamp(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if number != number:  # NaN
        return 0.0
    return min(1.0, max(0.0, number))


def part_text(track, status, gettext=_identity):
    """One line for a module: ``4 of 9 chapters watched``, ``Passed (80%)``, ``3 of 5 items checked``."""
    summary = status.summary if status else {}
    kind = track["kind"]
    if kind == "session":
        total = summary.get("chapters_total")
        if isinstance(total, int) and total > 0:
            done = int(summary.get("chapters_complete") or 0)
            return gettext("{done} of {total} chapters watched").format(done=done, total=total)
        return _percent_text(status, gettext)
    if kind in ("quiz", "assessment"):
        if summary.get("passed"):
            score = summary.get("score")
            if isinstance(score, int | float):
                return gettext("Passed ({score}%)").format(score=round(100 * clamp(score)))
            return gettext("Passed")
        if summary.get("attempts_used"):
            score = round(100 * clamp(summary.get("score") or 0))
            if summary.get("attempts_left") == 0:
                return gettext("Not passed ({score}%), no attempts left").format(score=score)
            return gettext("Not passed yet ({score}%)").format(score=score)
        if status and status.complete:
            return gettext("Done")
        return gettext("Not taken yet")
    total = summary.get("items_total")
    if isinstance(total, int) and total > 0:
        checked = int(summary.get("items_checked") or 0)
        return gettext("{checked} of {total} items checked").format(checked=checked, total=total)
    return _percent_text(status, gettext)


def _percent_text(status, gettext):
    if status is None:
        return gettext("Not started")
    if status.complete:
        return gettext("Complete")
    if status.completion <= 0:
        return gettext("Not started")
    return gettext("{percent}% done").format(percent=display_percent(status.completion))


def rows(tracks, statuses, gettext=_identity):
    """One row per module (a session's video and quiz together), in track order."""
    result = []
    by_session = {}
    for track in tracks:
        status = statuses.get(track["ref"]) or Status()
        part = {
            "ref": track["ref"],
            "kind": track["kind"],
            "label": track["label"],
            "completion": clamp(status.completion),
            "complete": status.complete,
            "text": part_text(track, status, gettext),
            "usage_id": status.usage_id,
        }
        session = track.get("session")
        if session and session in by_session:
            by_session[session]["parts"].append(part)
            continue
        row = {"label": track["label"], "session": session or "", "kind": track["kind"], "parts": [part]}
        if session:
            by_session[session] = row
        result.append(row)
    for row in result:
        parts = row["parts"]
        row["completion"] = sum(p["completion"] for p in parts) / len(parts)
        row["complete"] = all(p["complete"] for p in parts)
        row["percent"] = display_percent(row["completion"], row["complete"])
        row["state"] = (
            "complete" if row["complete"] else ("started" if row["completion"] > 0 else "not_started")
        )
    return result


def overall(tracks, statuses):
    """The share of tracked modules complete (0..1), each module counted once."""
    if not tracks:
        return 0.0
    return sum(1 for t in tracks if (statuses.get(t["ref"]) or Status()).complete) / len(tracks)


def next_step(tracks, statuses, gettext=_identity):
    """The first module not complete: ``{ref, label, text, seconds}``; None when the course is complete."""
    for track in tracks:
        status = statuses.get(track["ref"]) or Status()
        if status.complete:
            continue
        summary = status.summary
        kind = track["kind"]
        seconds = None
        if kind == "session":
            position = summary.get("position")
            if isinstance(position, int | float) and position >= 1:
                seconds = float(position)
                text = gettext("Resume {label} at {time}").format(
                    label=track["label"], time=format_time(seconds, always_hours=seconds >= 3600)
                )
            elif status.completion > 0:
                text = gettext("Continue {label}").format(label=track["label"])
            else:
                text = gettext("Start {label}").format(label=track["label"])
        elif kind in ("quiz", "assessment"):
            text = gettext("Take {label}").format(label=track["label"])
        else:
            text = gettext("Continue {label}").format(label=track["label"])
        return {
            "ref": track["ref"],
            "label": track["label"],
            "text": text,
            "seconds": seconds,
            "usage_id": status.usage_id,
        }
    return None


def snapshot(tracks, statuses):
    """The compact record of one learner for the staff view: ``{ref: [completion, reached, total, done]}``.

    ``reached`` and ``done`` are the lists of chapter indexes the learner reached and completed, ``total``
    the video's chapter count (videos read through the runtime), or None when unknown (the LMS completion
    service gives completion only). Records written before ``done`` existed have three items.
    """
    result = {}
    for track in tracks:
        status = statuses.get(track["ref"])
        if status is None:
            continue
        reached = total = done = None
        chapters = status.summary.get("chapters") if status.summary else None
        if track["kind"] == "session" and isinstance(chapters, list):
            reached = [
                i
                for i, chapter in enumerate(chapters)
                if isinstance(chapter, dict)
                and (chapter.get("complete") or clamp(chapter.get("coverage")) > 0)
            ]
            done = [
                i
                for i, chapter in enumerate(chapters)
                if isinstance(chapter, dict) and chapter.get("complete")
            ]
            total = len(chapters)
        result[track["ref"]] = [round(clamp(status.completion), 4), reached, total, done]
    return result
