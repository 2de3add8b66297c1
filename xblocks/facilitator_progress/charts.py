"""Small SVG charts (no runtime, no JavaScript): the completion funnel and per-chapter drop-off.

Used by the block's staff view (inline) and by the ``report`` command (inline in ``summary.html`` and as
``.svg`` files). Every text is XML-escaped here; the result is wrapped in ``markupsafe.Markup`` so
templates insert it as is. Each chart has ``role="img"``, a ``<title>`` and a ``<desc>`` that says the
figures in words, and writes its numbers beside the bars (colour is never the only carrier).
"""

import markupsafe
from markupsafe import escape  # &, <, >, " and ': safe in text and in quoted attributes (xml.sax costs 40 ms)

STARTED = "#9ecae1"
COMPLETED = "#08519c"
REACHED = "#3182bd"
TEXT = "#222222"
FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif' font-size='12'"


def _learners(count):
    return f"{count} learner" if count == 1 else f"{count} learners"


def _percent(share):
    return f"{round(100 * share)}%"


def _share(part, whole):
    return part / whole if whole else 0.0


def _svg(width, height, title, desc, body):
    return markupsafe.Markup(
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title)}' {FONT}>"
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def funnel_svg(title, rows, learners, width=640):
    """Horizontal bars per module: learners who started it and who completed it, of ``learners``.

    ``rows``: ``[(label, started, completed), ...]`` in course order.
    """
    label_width, bar_left, row_height = 230, 240, 34
    bar_width = width - bar_left - 140
    height = 30 + row_height * max(1, len(rows)) + 10
    body = [
        f"<text x='0' y='14' fill='{TEXT}'>{escape(_learners(learners))}</text>",
        f"<rect x='{bar_left}' y='4' width='10' height='10' fill='{STARTED}'/>",
        f"<text x='{bar_left + 14}' y='14' fill='{TEXT}'>started</text>",
        f"<rect x='{bar_left + 80}' y='4' width='10' height='10' fill='{COMPLETED}'/>",
        f"<text x='{bar_left + 94}' y='14' fill='{TEXT}'>completed</text>",
    ]
    words = []
    for i, (label, started, completed) in enumerate(rows):
        y = 30 + i * row_height
        short = label if len(label) <= 36 else label[:35] + "…"
        started_w = round(bar_width * _share(started, learners), 1)
        completed_w = round(bar_width * _share(completed, learners), 1)
        figures = f"{completed}/{learners} ({_percent(_share(completed, learners))})"
        body += [
            f"<text x='{label_width}' y='{y + 16}' text-anchor='end' fill='{TEXT}'>{escape(short)}</text>",
            f"<rect x='{bar_left}' y='{y + 2}' width='{bar_width}' height='22' fill='#f0f0f0'/>",
            f"<rect x='{bar_left}' y='{y + 2}' width='{started_w}' height='22' fill='{STARTED}'/>",
            f"<rect x='{bar_left}' y='{y + 7}' width='{completed_w}' height='12' fill='{COMPLETED}'/>",
            f"<text x='{bar_left + bar_width + 6}' y='{y + 17}' fill='{TEXT}'>{escape(figures)}</text>",
        ]
        words.append(f"{label}: {started} started, {completed} completed")
    desc = f"Of {_learners(learners)}: " + "; ".join(words) if words else "No modules yet."
    return _svg(width, height, title, desc, body)


def dropoff_svg(title, chapters, started, width=640):
    """Columns per chapter: the share of the ``started`` learners who reached (and completed) it.

    ``chapters``: ``[(label, reached, completed), ...]``.
    """
    count = max(1, len(chapters))
    top, plot_height, left = 24, 140, 36
    step = (width - left - 10) / count
    column = max(4.0, min(48.0, step * 0.7))
    height = top + plot_height + 40
    body = [
        f"<text x='0' y='14' fill='{TEXT}'>{escape(_learners(started) + ' started')}</text>",
        f"<line x1='{left}' y1='{top + plot_height}' x2='{width - 10}' y2='{top + plot_height}' "
        "stroke='#888'/>",
        f"<text x='{left - 4}' y='{top + 8}' text-anchor='end' fill='{TEXT}'>100%</text>",
        f"<text x='{left - 4}' y='{top + plot_height}' text-anchor='end' fill='{TEXT}'>0%</text>",
    ]
    words = []
    for i, (label, reached, completed) in enumerate(chapters):
        share = _share(reached, started)
        done = _share(completed, started)
        x = round(left + i * step + (step - column) / 2, 1)
        h = round(plot_height * share, 1)
        hd = round(plot_height * done, 1)
        body += [
            f"<g><title>{escape(f'{label}: reached by {reached}, completed by {completed}')}</title>",
            f"<rect x='{x}' y='{top + plot_height - h}' width='{column}' height='{h}' fill='{REACHED}'/>",
            f"<rect x='{x + column * 0.25}' y='{top + plot_height - hd}' width='{column * 0.5}' "
            f"height='{hd}' fill='{COMPLETED}'/></g>",
            f"<text x='{x + column / 2}' y='{top + plot_height + 14}' text-anchor='middle' "
            f"fill='{TEXT}'>{i + 1}</text>",
        ]
        if count <= 16:
            body.append(
                f"<text x='{x + column / 2}' y='{top + plot_height - h - 3}' text-anchor='middle' "
                f"font-size='10' fill='{TEXT}'>{_percent(share)}</text>"
            )
        words.append(f"chapter {i + 1} {label}: {_percent(share)} reached, {_percent(done)} completed")
    body.append(
        f"<text x='{left}' y='{height - 6}' fill='{TEXT}'>"
        "chapter (wide bar: reached, narrow: completed)</text>"
    )
    desc = "; ".join(words) if words else "No chapters yet."
    return _svg(width, height, title, desc, body)
