"""The staff side, plain: the learner × module matrix, cohort completion, chapter drop-off, the CSV.

Input is the block's ``user_state_summary`` record ``learners``: ``{username: {"at": iso time,
"modules": {ref: [completion, reached chapter indexes or None, chapter count or None]}}}``, written each
time a learner opens the progress page (see ``progress.snapshot``). It is a snapshot: a learner's row is
as fresh as their last visit; the ``report`` command over tracking logs gives the full picture.
"""

import csv
import io

from xblocks.facilitator_progress.charts import dropoff_svg, funnel_svg
from xblocks.facilitator_progress.progress import DONE, clamp, display_percent
from xblocks.facilitator_progress.report_output import safe_cell

MAX_MATRIX_ROWS = 300


def _cell(modules, ref):
    entry = modules.get(ref) if isinstance(modules, dict) else None
    if not isinstance(entry, list) or not entry:
        return None
    return entry


def matrix(tracks, learners, limit=MAX_MATRIX_ROWS):
    """``(rows, total)``: per learner (sorted) a cell per track ``{percent, state}`` (state for colour)."""
    names = sorted(learners)
    rows = []
    for name in names[:limit]:
        record = learners[name] if isinstance(learners[name], dict) else {}
        modules = record.get("modules") or {}
        cells = []
        for track in tracks:
            entry = _cell(modules, track["ref"])
            completion = clamp(entry[0]) if entry else 0.0
            state = "complete" if completion >= DONE else ("started" if completion > 0 else "not_started")
            cells.append({"percent": display_percent(completion), "state": state, "completion": completion})
        rows.append({"username": name, "at": str(record.get("at") or ""), "cells": cells})
    return rows, len(names)


def cohort(tracks, learners):
    """Per track: ``{ref, label, started, completed, share}`` over the learners on record."""
    result = []
    for track in tracks:
        started = completed = 0
        for record in learners.values():
            entry = _cell((record or {}).get("modules") or {}, track["ref"])
            if entry and clamp(entry[0]) > 0:
                started += 1
                if clamp(entry[0]) >= DONE:
                    completed += 1
        share = completed / len(learners) if learners else 0.0
        result.append(
            {
                "ref": track["ref"],
                "label": track["label"],
                "started": started,
                "completed": completed,
                "percent": round(100 * share),
            }
        )
    return result


def _index(value, total):
    return type(value) is int and 0 <= value < total


def dropoff(track, learners, chapter_titles=()):
    """``(started, [(title, reached, completed)])`` for a session video; empty when nothing is known.

    Records written before completed chapters were kept (three items) count as reached only.
    """
    counts, done_counts = [], []
    started = 0
    for record in learners.values():
        entry = _cell((record or {}).get("modules") or {}, track["ref"])
        if not entry or len(entry) < 3 or not isinstance(entry[1], list) or not isinstance(entry[2], int):
            continue
        total = min(max(0, entry[2]), 1000)
        if len(counts) < total:
            counts += [0] * (total - len(counts))
            done_counts += [0] * (total - len(done_counts))
        done = {
            i for i in (entry[3] if len(entry) > 3 and isinstance(entry[3], list) else ()) if _index(i, total)
        }
        reached = {i for i in entry[1] if _index(i, total)} | done
        if reached:
            started += 1
        for i in reached:
            counts[i] += 1
        for i in done:
            done_counts[i] += 1
    titles = list(chapter_titles)
    chapters = [
        (titles[i] if i < len(titles) else f"Chapter {i + 1}", n, done_counts[i])
        for i, n in enumerate(counts)
    ]
    return started, chapters


def charts(tracks, learners, chapter_titles, gettext):
    """The funnel and one drop-off chart per session video (SVG Markup), for the staff view."""
    rows = cohort(tracks, learners)
    drawn = [
        (
            gettext("Cohort completion per module"),
            funnel_svg(
                gettext("Cohort completion per module"),
                [(r["label"], r["started"], r["completed"]) for r in rows],
                len(learners),
            ),
        )
    ]
    for track in tracks:
        if track["kind"] != "session":
            continue
        started, chapters = dropoff(track, learners, chapter_titles.get(track.get("session") or "", ()))
        if not chapters:
            continue
        title = gettext("Chapter reach: {label}").format(label=track["label"])
        drawn.append((title, dropoff_svg(title, chapters, started)))
    return rows, drawn


def matrix_csv(tracks, learners):
    """The matrix as CSV text: username, last visit, then each module's completion (0..1)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["username", "last_visit", *[safe_cell(t["ref"]) for t in tracks]])
    rows, _total = matrix(tracks, learners, limit=len(learners))
    for row in rows:
        writer.writerow(
            [safe_cell(row["username"]), row["at"], *[f"{c['completion']:.2f}" for c in row["cells"]]]
        )
    return out.getvalue()
