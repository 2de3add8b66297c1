"""Templates with escaping on, text through the block's i18n service, and static files as package data.

Each block keeps ``templates/`` and ``static/`` in its own subpackage. ``render(block, "x.html", ctx)``
renders ``xblocks/<block>/templates/x.html`` with autoescaping and ``_``/``ngettext`` bound to the
block's i18n service. The Jinja environments are cached per package (they hold compiled templates,
never learner state).
"""

import functools
import importlib.resources
import json

import markupsafe
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from web_fragments.fragment import Fragment


@functools.cache
def environment(package):
    """The Jinja environment for ``package`` (e.g. ``xblocks.chaptered_video``)."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_attr"] = lambda value: json.dumps(value, separators=(",", ":"), allow_nan=False)
    return env


class _NullTranslations:
    @staticmethod
    def gettext(text):
        return text

    @staticmethod
    def ngettext(singular, plural, number):
        return singular if number == 1 else plural


def translations(block):
    """gettext/ngettext from the block's i18n service (identity where there is none)."""
    service = block.runtime.service(block, "i18n")
    if service is None:
        return _NullTranslations()

    class _FromService:
        gettext = staticmethod(getattr(service, "gettext", None) or service.ugettext)
        ngettext = staticmethod(getattr(service, "ngettext", None) or service.ungettext)

    return _FromService()


def gettext(block, text):
    """Translate one message through the block's i18n service."""
    return translations(block).gettext(text)


def block_package(block):
    """The package a block class lives in (runtimes mix classes: use the unmixed one)."""
    cls = getattr(type(block), "unmixed_class", type(block))
    return cls.__module__.rpartition(".")[0]


def render(block, template_name, context, package=None):
    """Render a template of the block's package with escaping on; returns Markup."""
    package = package or block_package(block)
    trans = translations(block)
    template = environment(package).get_template(template_name)
    return markupsafe.Markup(
        template.render(_=trans.gettext, gettext=trans.gettext, ngettext=trans.ngettext, **context)
    )


def read_static(package, relative):
    """Text of ``static/<relative>`` in ``package`` (CSS/JS shipped as package data)."""
    return importlib.resources.files(package).joinpath("static", relative).read_text(encoding="utf-8")


def fragment(block, template_name, context, css=(), js=(), init=None, init_args=None, package=None):
    """A Fragment: the rendered template, the package's CSS and JS inlined, and the JS initializer."""
    package = package or block_package(block)
    frag = Fragment(render(block, template_name, context, package=package))
    for name in css:
        frag.add_css(read_static(package, name))
    for name in js:
        frag.add_javascript(read_static(package, name))
    if init:
        frag.initialize_js(init, script_safe(init_args or {}))
    return frag


def script_safe(value):
    """Init args made safe for the runtime, which writes them into a ``<script>`` with plain json.dumps.

    A string holding ``</`` (``</script>`` in a title or a translation) would end that script early;
    an invisible word joiner after ``<`` keeps it a string. Blocks keep author text out of init args
    anyway: this is the net under them.
    """
    if isinstance(value, str):
        return value.replace("</", "<\u2060/") if "</" in value else value
    if isinstance(value, dict):
        return {key: script_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [script_safe(item) for item in value]
    return value
