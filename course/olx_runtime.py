"""Read one OLX element through its block class, as Studio and the LMS read it.

``read_block(element)`` parses the element with the XBlock package's own ``Runtime.parse_xml_string``
(the block class comes from the ``xblock.v1`` entry points; its ``parse_xml`` is the one Studio's import
calls), over the package's in-memory key-value store, and returns the block with its fields set. The
runtime serves no views or handlers: importing a course only reads content.
"""

from lxml import etree


def _runtime_class():
    from xblock.runtime import Runtime

    class OlxReadingRuntime(Runtime):
        """The XBlock ``Runtime`` over a ``DictKeyValueStore``: parse and read fields, nothing else."""

        def __init__(self):
            from xblock.runtime import DictKeyValueStore, KvsFieldData, MemoryIdManager

            ids = MemoryIdManager()
            super().__init__(
                id_reader=ids, id_generator=ids, services={"field-data": KvsFieldData(DictKeyValueStore())}
            )

        def _refuse(self, *args, **kwargs):
            raise NotImplementedError("this runtime only reads OLX")

        handler_url = resource_url = local_resource_url = publish = _refuse

    return OlxReadingRuntime


class BlockReadError(ValueError):
    """The block class refused the element (its message)."""


def read_block(element):
    """The block that ``element`` (lxml) becomes, read by its own class; BlockReadError when refused."""
    runtime = _runtime_class()()
    text = etree.tostring(element, encoding="unicode")
    try:
        usage_id = runtime.parse_xml_string(text)
    except Exception as err:  # noqa: BLE001 - any refusal of the class's reader is reported as such
        raise BlockReadError(str(err) or type(err).__name__) from None
    return runtime.get_block(usage_id)
