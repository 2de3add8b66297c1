"""The JSON Schema of the course YAML (``facilitator-course schema``), from the rules in ``course.schema``."""

SCHEMA_FOLDER = "schemas"


def header_line(kind, depth=0):
    """The ``yaml-language-server`` line of a source file of ``kind`` (course, module, sources), ``depth``
    folders below the course folder."""
    prefix = "../" * depth
    return f"# yaml-language-server: $schema={prefix}{SCHEMA_FOLDER}/{kind}.schema.json"
