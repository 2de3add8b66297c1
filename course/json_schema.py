"""The JSON Schema of the course YAML (``facilitator-course schema``), generated from ``course.schema``.

The same rules ``validate`` applies to the shape of each file become JSON Schema (draft 2020-12): the
keys each mapping takes (``additionalProperties: false``), the required ones, their types (``TYPES``),
the allowed values (``ENUMS``, the toolkit's resource kinds), the ranges (``RANGES``) and a description
of every key (``DESCRIPTIONS``). Three documents: ``course.schema.json`` (course.yaml),
``module.schema.json`` (modules/*.yaml) and ``sources.schema.json`` (sources.yaml). Each source file's
first line names its schema for editors with the YAML language server::

    # yaml-language-server: $schema=schemas/course.schema.json

Rules that cross keys or files (a session module has no title, a true_false question needs ``answer``,
ids point to something) stay with ``validate``, which names file, line and column.
"""

import json
from pathlib import Path

from course import schema

SCHEMA_FOLDER = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = {"course": schema.COURSE, "module": schema.MODULE, "sources": schema.SOURCES}
DATE = r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$"


def header_line(kind, depth=0):
    """The ``yaml-language-server`` line of a source file of ``kind`` (course, module, sources), ``depth``
    folders below the course folder."""
    prefix = "../" * depth
    return f"# yaml-language-server: $schema={prefix}{SCHEMA_FOLDER}/{kind}.schema.json"


def _enums():
    from xblocks.stage_toolkit.olx import RESOURCE_KINDS

    return {**schema.ENUMS, ("a resource", "kind"): RESOURCE_KINDS}


def _type(name):
    """The JSON Schema of one of ``schema.TYPES``."""
    text = {"type": "string", "pattern": r"\S"}
    return {
        "text": text,
        "id": {"type": "string", "pattern": schema.ID_PATTERN.pattern},
        "key": {"type": "string", "pattern": schema.KEY_PATTERN.pattern},
        "url_name": {"type": "string", "pattern": schema.URL_NAME_PATTERN.pattern},
        "bool": {"type": "boolean"},
        "int": {"type": "integer"},
        "number": {"type": "number"},
        # editors read YAML 1.2, where a date is text; validate reads it as a date
        "date": {"type": "string", "pattern": DATE},
        "list": {"type": "array"},
        "mapping": {"type": "object"},
        "path": {
            "type": "string",
            "pattern": r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$",
        },
        "time": {"oneOf": [text, {"type": "number", "minimum": 0}]},
        "attributes": {
            "type": "object",
            "propertyNames": {"pattern": schema.ATTRIBUTE_PATTERN.pattern},
            "additionalProperties": {"type": "string"},
        },
    }[name]


def _name(spec):
    return spec.name.replace("the ", "").replace("a ", "", 1).replace("an ", "", 1).replace(" ", "_")


class _Builder:
    def __init__(self):
        self.defs = {}
        self.enums = _enums()

    def ref(self, spec):
        name = _name(spec)
        if name not in self.defs:
            self.defs[name] = {}  # placeholder against recursion
            self.defs[name] = self.mapping(spec)
        return {"$ref": f"#/$defs/{name}"}

    def mapping(self, spec, block_type=None):
        properties = {}
        for key, rule in spec.keys.items():
            value = dict(_type(rule.type))
            where = (spec.name, key)
            if where in self.enums:
                value = {"enum": list(self.enums[where])}
            if where in schema.RANGES:
                low, high, open_low = schema.RANGES[where]
                value["exclusiveMinimum" if open_low else "minimum"] = low
                if high is not None:
                    value["maximum"] = high
            if where in schema.NESTED:
                nested = self.ref(schema.NESTED[where])
                value = {"type": "array", "items": nested} if rule.type == "list" else nested
            elif where in schema.BLOCK_LISTS:  # a vertical may be empty (Studio allows it), a unit not
                value = {
                    "type": "array",
                    "minItems": 1 if spec.name == "a unit" else 0,
                    "items": self.block(),
                }
            elif where == ("the course file", "modules"):
                value = {"type": "array", "minItems": 1, "items": _type("path")}
            elif where == ("an html block", "sources"):
                value = {"type": "array", "items": _type("id")}
            elif where == ("grading", "cutoffs"):
                value = {
                    "type": "object",
                    "additionalProperties": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                }
            elif where == ("the course file", "olx_xml"):
                value = {"type": "array", "items": {"type": "string", "pattern": r"^\s*<"}}
            if key == "type" and block_type:
                value = {"const": block_type}
            description = schema.DESCRIPTIONS.get(spec.name, {}).get(key)
            if description:
                value["description"] = description
            properties[key] = value
        return {
            "type": "object",
            "description": f"{spec.name[0].upper()}{spec.name[1:]}.",
            "properties": properties,
            "required": [key for key, rule in spec.keys.items() if rule.required],
            "additionalProperties": False,
        }

    def block(self):
        if "block" not in self.defs:
            self.defs["block"] = {}
            choices = []
            for block_type, spec in schema.BLOCK_SPECS.items():
                name = f"{block_type}_block"
                self.defs[name] = self.mapping(spec, block_type)
                choices.append(
                    {
                        "if": {"properties": {"type": {"const": block_type}}, "required": ["type"]},
                        "then": {"$ref": f"#/$defs/{name}"},
                    }
                )
            self.defs["block"] = {
                "type": "object",
                "description": "A block: its type decides the other keys.",
                "required": ["type"],
                "properties": {"type": {"enum": list(schema.BLOCK_SPECS), "description": "The block type."}},
                "allOf": choices,
            }
        return {"$ref": "#/$defs/block"}


def schema_for(kind):
    """The JSON Schema (a dict) of one kind of source file: course, module or sources."""
    builder = _Builder()
    root = builder.mapping(KINDS[kind])
    return {
        "$schema": DIALECT,
        "title": f"Facilitator course: {KINDS[kind].name} ({kind}.yaml)"
        if kind != "module"
        else "Facilitator course: a module file (modules/*.yaml)",
        **root,
        "$defs": builder.defs,
    }


def schema_text(kind):
    return json.dumps(schema_for(kind), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_schemas(out):
    """Write the schemas: into the folder ``out`` (one file per kind), or, for ``out`` ending in ``.json``,
    the course file's schema with the module and sources schemas under ``$defs``. The paths written."""
    out = Path(out)
    if out.suffix == ".json":
        bundle = schema_for("course")
        for kind in ("module", "sources"):
            part = schema_for(kind)
            bundle["$defs"].update(part.pop("$defs"))
            bundle["$defs"][f"{kind}_file"] = {k: v for k, v in part.items() if not k.startswith("$")}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = out / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written
