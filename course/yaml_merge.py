"""Update a YAML file to new data while keeping what did not change (ruamel.yaml round-trip mode).

``merge_file(source, data, destination)`` writes ``data`` to ``destination``: a byte-for-byte copy of
``source`` when its content already equals ``data``; otherwise ``source`` loaded in round-trip mode and
changed only where ``data`` differs, so comments, key order, quoting and layout of untouched parts stay.
Lists of mappings with an ``id`` are matched by id (reordered, inserted, removed); a unit moved from
another module file is taken with its comments from ``pool`` (``unit_pool``).
"""

import datetime
import difflib
import io
import re
import shutil

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

FLOW_LISTS = ("choices", "sources")  # written {id: a, text: ...} / [a, b] like the shipped files


def _yaml():
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_plain(path):
    """A YAML file's data (round-trip types; compare with ``same``)."""
    with open(path, encoding="utf-8") as handle:
        return _yaml().load(handle)


def same(first, second):
    """Equal data, with booleans never equal to numbers (YAML ``true`` is not ``1``)."""
    if isinstance(first, dict) and isinstance(second, dict):
        return list(first) == list(second) and all(same(first[k], second[k]) for k in first)
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(same(a, b) for a, b in zip(first, second, strict=True))
    if isinstance(first, bool) != isinstance(second, bool):
        return False
    if isinstance(first, datetime.datetime) != isinstance(second, datetime.datetime):
        return False
    return first == second


# Text a YAML 1.1 reader (PyYAML, which validate uses) would read as something else: 1:05:00 is a number
# there (sexagesimal), yes/no/on/off are booleans. Such text is written in double quotes.
_AMBIGUOUS = re.compile(
    r"^([-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|yes|no|on|off|y|n|~|null|true|false)$", re.I
)


def node(value, key=None):
    """Round-trip YAML nodes for plain data (new parts)."""
    if isinstance(value, str) and not isinstance(value, ScalarString) and _AMBIGUOUS.match(value):
        return DoubleQuotedScalarString(value)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for name, item in value.items():
            mapping[name] = node(item, name)
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(node(item) for item in value)
        if key in FLOW_LISTS:
            if all(not isinstance(item, dict | list) for item in value):
                seq.fa.set_flow_style()
            for item in seq:
                if isinstance(item, CommentedMap):
                    item.fa.set_flow_style()
        return seq
    return value


def _merge(old, new, pool, key=None):
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        for name in [name for name in old if name not in new]:
            del old[name]
        previous = None
        for name, value in new.items():
            if name in old:
                merged = _merge(old[name], value, pool, name)
                if merged is not old[name]:
                    old[name] = merged
            else:
                position = list(old).index(previous) + 1 if previous is not None else 0
                old.insert(position, name, node(value, name))
            previous = name
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        if same(old, new):
            return old
        if new and all(isinstance(x, dict) and "id" in x for x in new):
            by_id = {x.get("id"): x for x in old if isinstance(x, dict)}
            items = []
            for item in new:
                found = by_id.pop(item["id"], None)
                if found is None and key == "units":
                    found = pool.pop(item["id"], None)
                merged = _merge(found, item, pool) if found is not None else node(item, key)
                if found is None and key in FLOW_LISTS and isinstance(merged, CommentedMap):
                    merged.fa.set_flow_style()
                items.append(merged)
            if len(items) == len(old) and all(a is b for a, b in zip(items, old, strict=True)):
                return old
            seq = CommentedSeq(items)
            if old.fa.flow_style():
                seq.fa.set_flow_style()
            return seq
        seq = node(new, key)
        if old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    if old is not None and same(old, new):
        return old
    if isinstance(old, ScalarString) and isinstance(new, str):
        return type(old)(new)
    return node(new, key)


def unit_pool(paths):
    """unit id -> its round-trip node, from the module files at ``paths`` (for units moved between files)."""
    pool = {}
    for path in paths:
        if path.is_file():
            data = load_plain(path)
            for unit in (data or {}).get("units") or []:
                if isinstance(unit, dict) and "id" in unit:
                    pool[unit["id"]] = unit
    return pool


def merge_file(source, data, destination, pool):
    """Write ``data`` to ``destination`` keeping ``source``'s layout (a copy when nothing changed)."""
    text = source.read_text(encoding="utf-8")
    yaml = _yaml()
    old = yaml.load(text)
    if same(old, data):
        if source.resolve() != destination.resolve():
            shutil.copyfile(source, destination)
        return False
    merged = _merge(old, data, pool)
    out = io.StringIO()
    yaml.dump(merged, out)
    destination.write_text(restore_layout(text, out.getvalue()), encoding="utf-8")
    return True


def restore_layout(old_text, new_text):
    """``new_text`` with lines the dump joined (a flow list or mapping the author had wrapped over several
    lines) put back as the author wrapped them, where the joined line is unchanged."""
    old, new = old_text.splitlines(keepends=True), new_text.splitlines(keepends=True)
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "replace":
            out.extend(new[b1:b2])
            continue
        i = a1
        for line in new[b1:b2]:
            wanted = " ".join(line.split())
            found = None
            for j in range(i + 2, min(a2, i + 12) + 1):  # 2..12 old lines joined into one
                if " ".join(" ".join(old[i:j]).split()) == wanted:
                    found = j
                    break
            if found is not None:
                out.extend(old[i:found])
                i = found
            else:
                out.append(line)
        continue
    return "".join(out)


def dump_new(data, destination, header=""):
    """Write new YAML (no file to keep the layout of)."""
    out = io.StringIO()
    _yaml().dump(node(data), out)
    destination.write_text((header + "\n" if header else "") + out.getvalue(), encoding="utf-8")
