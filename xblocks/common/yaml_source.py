"""YAML read safely, with every value carrying the line and column it came from.

``load(path)`` gives plain Python data whose dicts are ``Located`` (a dict with ``.marks[key]`` and
``.mark``) and whose lists are ``LocatedList``; problems are ``SourceError`` with ``path:line:column``.
Only the safe YAML tags are accepted: ``!!python/...`` and every other tag is refused, never executed.
"""

from pathlib import Path

import yaml


class SourceError(Exception):
    """A problem in a source file, printed as ``path:line:column: message`` (1-based line and column)."""

    def __init__(self, path, line, column, message):
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.message = str(path), line, column, message

    def __str__(self):
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class Mark:
    """Where a value starts: 1-based line and column."""

    __slots__ = ("path", "line", "column")

    def __init__(self, path, line, column):
        self.path, self.line, self.column = str(path), line, column

    def error(self, message):
        """A SourceError at this place."""
        return SourceError(self.path, self.line, self.column, message)

    def __repr__(self):
        return f"{self.path}:{self.line}:{self.column}"


class Located(dict):
    """A mapping that knows where it and each of its keys and values stand in the file."""

    mark: Mark
    marks: dict  # key -> Mark of the value
    key_marks: dict  # key -> Mark of the key

    def mark_of(self, key):
        """The value's place, or the mapping's own when the key is absent."""
        return self.marks.get(key, self.mark)


class LocatedList(list):
    """A sequence that knows where it and each item stand."""

    mark: Mark
    marks: list


def _mark(path, node):
    return Mark(path, node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses unknown tags with a located message and rejects duplicate keys."""


def _construct(loader, node, path):
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = Located()
        result.mark, result.marks, result.key_marks = _mark(path, node), {}, {}
        for key_node, value_node in node.value:
            key = _construct(loader, key_node, path)
            if isinstance(key, dict | list):
                raise _mark(path, key_node).error("a key must be plain text, not a mapping or list")
            if key in result:
                raise _mark(path, key_node).error(f'"{key}" appears twice in the same mapping')
            result[key] = _construct(loader, value_node, path)
            result.marks[key] = _mark(path, value_node)
            result.key_marks[key] = _mark(path, key_node)
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_construct(loader, item, path) for item in node.value)
        result.mark, result.marks = _mark(path, node), [_mark(path, item) for item in node.value]
        return result
    if node.tag not in _SAFE_SCALAR_TAGS:
        raise _mark(path, node).error(f"the YAML tag {node.tag!r} is not allowed (only plain data is)")
    return loader.construct_object(node, deep=True)


_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def loads(text, path="<string>"):
    """Parse YAML text; the document's data with marks, or SourceError."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SourceError(path, line, column, f"YAML syntax: {err.problem or err.context}")
    except yaml.YAMLError as err:
        raise SourceError(path, 1, 1, f"YAML: {err}")
    if node is None:
        return None
    if node.tag.startswith("!") or node.tag.startswith("tag:yaml.org,2002:python"):
        raise _mark(path, node).error(f"the YAML tag {node.tag!r} is not allowed (only plain data is)")
    for sub in _walk(node):
        if isinstance(sub, yaml.MappingNode | yaml.SequenceNode) and sub.tag not in (
            "tag:yaml.org,2002:map",
            "tag:yaml.org,2002:seq",
        ):
            raise _mark(path, sub).error(f"the YAML tag {sub.tag!r} is not allowed (only plain data is)")
    loader = _Loader("")
    try:
        return _construct(loader, node, path)
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark
        raise SourceError(
            path, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, str(err.problem)
        )


def load(path):
    """Read and parse a YAML file (UTF-8)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SourceError(path, 1, 1, f"not UTF-8 text ({err.reason})")
    except OSError as err:
        raise SourceError(path, 1, 1, f"cannot read the file: {err.strerror}")
    return loads(text, path)


def _walk(node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
