"""The instructor report's row for one learner (``generate_report_data``), from raw stored state.

The LMS hands the block every learner's stored ``user_state`` as it is in the database, so nothing in
it is trusted: a field of the wrong type counts as empty and one odd row never stops the report.
Reflections are kept exactly as written (HTML stays text: the report is a CSV file, never a page);
a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab or carriage return first)
gets a leading ``'``, as the progress report's CSV files do.
"""

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _ids(value):
    """The string entries of a stored list (anything else: none)."""
    if not isinstance(value, list | tuple):
        return set()
    return {entry for entry in value if isinstance(entry, str)}


def _mapping(value):
    return value if isinstance(value, dict) else {}


def reflection_columns(toolkit):
    """Reflection id -> its column name, ``Reflection: <prompt>``; unique even when prompts repeat."""
    columns, used = {}, set()
    for reflection in toolkit.reflections:
        name = f"Reflection: {reflection.prompt}"
        if name in used:
            name = f"Reflection ({reflection.id}): {reflection.prompt}"
        used.add(name)
        columns[reflection.id] = name
    return columns


def report_row(stage, toolkit, state):
    """The report columns for one learner's stored ``state`` (any value; a dict when sane)."""
    state = _mapping(state)
    checked = _ids(state.get("checked_items"))
    checked_items = [item for item in toolkit.items if item.id in checked]
    texts = _mapping(state.get("reflection_texts"))
    opens = _mapping(state.get("resource_opens"))
    row = {
        "Stage": stage,
        "Items checked": f"{len(checked_items)}/{len(toolkit.items)}",
        "Checked items": safe_cell("; ".join(item.text for item in checked_items)),
        "Resources opened": safe_cell(
            "; ".join(r.title for r in toolkit.resources if _opened(opens.get(r.id)))
        ),
    }
    for rid, column in reflection_columns(toolkit).items():
        text = texts.get(rid)
        row[column] = safe_cell(text) if isinstance(text, str) else ""
    return row


def _opened(count):
    """True for a stored open count above 0 (the handler stores ints; anything else is not an open)."""
    return isinstance(count, int) and not isinstance(count, bool) and count > 0
