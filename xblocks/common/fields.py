"""Field types the blocks share.

``FastString`` is XBlock's ``String`` with a cheap control-character check. ``String`` runs a regular
expression over its whole value on every read and twice on every write; for the kilobytes of authored
content and packed learner state our handlers read on every request, that scan was a large share of
their cost. The result is the same as ``String``'s:
- authored text (content and settings scopes) is cleaned once per distinct value (a small cache of
  derived content, never learner state);
- other ASCII text made only of characters the check keeps (tab, newlines, ``\\x20``-``\\x7f``) is
  returned as is (a bytes ``translate`` finds any other character without a regex);
- anything else takes ``String``'s own path.
"""

import functools

from xblock.fields import Scope, String

# ASCII that String's check keeps: tab, newline, carriage return and \x20-\x7f.
_XML_SAFE_ASCII = b"\t\n\r" + bytes(range(0x20, 0x80))
_PLAIN = String()
_AUTHORED = (Scope.content, Scope.settings)


@functools.lru_cache(maxsize=256)
def _cleaned_authored(text):
    return _PLAIN._sanitize(text)


class FastString(String):
    """String with the same cleaning, done cheaply (see the module docstring)."""

    def _sanitize(self, value):
        if isinstance(value, str):
            if self.scope in _AUTHORED:  # a dict lookup: a str caches its own hash
                return _cleaned_authored(value)
            if value.isascii() and not value.encode().translate(None, _XML_SAFE_ASCII):
                return value
        return super()._sanitize(value)
