"""The Learning MFE in the preview: the built course a unit at a time, framed from "the LMS" as in Open edX.

Two origins of one server, told apart by the Host header (``ALLOWED_HOSTS`` has both):

- ``http://apps.lms.localhost:PORT`` is the MFE: ``/learning/course/<course>/<sequence>/<unit>`` shows one
  unit with Previous/Next, framing it as openedx/frontend-app-learning does (``ContentIFrame.jsx``,
  ``urls.ts``): ``<LMS>/xblock/<unit key>?recheck_access=1&show_bookmark=0&show_title=0&view=student_view``,
  the same ``allow``, ``allowfullscreen``, ``scrolling="no"`` and ``referrerpolicy="origin"``; of the
  page's own URL only ``?jumpToId=`` is passed on (as ``?jumpToId=`` and ``#<id>``). The iframe's height
  follows the unit page's ``{type: "plugin.resize", payload: {width, height}}`` messages, and the page
  posts its own fragment into the iframe as ``{hashName: location.hash}`` after load and on each resize.
- ``http://lms.localhost:PORT`` is the LMS: ``/xblock/<unit key>`` renders the unit's blocks with their
  ``student_view`` (the workbench runtime, the same blocks and state as the preview's "Whole course" page)
  and sends those resize messages; ``/courses/<course>/jump_to_id/<id>`` redirects to the MFE unit holding
  ``<id>``, passing only ``jumpToId`` (the block's usage key) as the LMS does.

Why these two names: both resolve to the loopback address in Chromium and Firefox, and they are one *site*
(``lms.localhost``) on two *origins*, as an Open edX install puts the MFE (``apps.example.com``) beside the
LMS (``example.com``): the unit's iframe is cross-origin to its page, yet its cookies (the CSRF token the
blocks' handlers need) are first-party, as in production. ``127.0.0.1`` beside ``localhost`` would be two
sites, and browsers refuse the iframe's cookies there.

Who is learning: the preview has no login. ``?student=NAME`` on the MFE page picks the learner (kept in a
cookie of the MFE origin, so a ``jump_to_id`` redirect lands on the same learner) and is handed to the
iframe as ``student=``, the preview's stand-in for the LMS session cookie; state is the workbench's, shared
with every other preview page.
"""

import logging
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from scripts.preview.course_map import OutlineError, read_outline
from scripts.preview.paths import build_dir

log = logging.getLogger(__name__)

LMS_HOST = "lms.localhost"
MFE_HOST = "apps.lms.localhost"
WHOLE_COURSE = "whole_course"  # the workbench scenario of the built course (extra_scenarios)
IFRAME_ALLOW = (
    "microphone *; camera *; midi *; geolocation *; encrypted-media *; clipboard-write *; autoplay *"
)
IFRAME_PARAMS = {"recheck_access": "1", "show_bookmark": "0", "show_title": "0", "view": "student_view"}
STUDENT_COOKIE = "preview_student"
# The whole-course page turns an HTML body's /jump_to_id/<id> link into an anchor "#u-<unit>"; a unit page
# links to /courses/<course>/jump_to_id/<unit> instead, as the LMS renders /jump_to_id/ links.
UNIT_ANCHOR = re.compile(r'href="#u-([a-z0-9][a-z0-9-]*)"')
DEFAULT_STUDENT = "student_1"
MAX_STUDENT = 150


def _text(status, message):
    """A plain-text answer (never HTML: the message may quote what the request held)."""
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _course_key():
    from django.conf import settings
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(settings.PREVIEW_COURSE_ID)


def mfe_home_path():
    """``/learning/course/<course>/``: the preview's course in the MFE (opens its first unit)."""
    return f"/learning/course/{_course_key()}/"


def outline():
    """The built course's outline in the preview's course (raises OutlineError when it is not built)."""
    return read_outline(build_dir() / "course", _course_key())


def port(request):
    """The port the browser used (the Host header's), else the server's."""
    host = request.get_host()
    return host.rsplit(":", 1)[1] if host.rsplit(":", 1)[-1].isdigit() and ":" in host else request.get_port()


def origin(host, request):
    return f"http://{host}:{port(request)}"


def mfe_unit_url(request, course, unit, jump_to=None, student=None):
    """The MFE's canonical unit URL (``/learning/course/<course>/<sequence>/<unit>``) on the MFE origin."""
    path = f"/learning/course/{course.course_key}/{course.sequence_key(unit)}/{course.unit_key(unit)}"
    query = {}
    if jump_to is not None:
        query["jumpToId"] = str(jump_to)
    if student:
        query["student"] = student
    return origin(MFE_HOST, request) + path + (f"?{urlencode(query)}" if query else "")


def iframe_url(request, course, unit, student, jump_to_id=None):
    """``<LMS>/xblock/<unit key>?...`` as frontend-app-learning's ``getIFrameUrl`` builds it (sorted)."""
    params = dict(IFRAME_PARAMS, student=student)
    if jump_to_id:
        params["jumpToId"] = jump_to_id
    url = f"{origin(LMS_HOST, request)}/xblock/{course.unit_key(unit)}?{urlencode(sorted(params.items()))}"
    return url + (f"#{jump_to_id}" if jump_to_id else "")


def _host(request):
    return request.get_host().rsplit(":", 1)[0].lower()


def _student(value):
    """A learner name from a URL or cookie, or None when absent or unusable (too long, control characters)."""
    value = str(value or "").strip()
    if not value or len(value) > MAX_STUDENT or any(ord(c) < 32 or c in "/\\" for c in value):
        return None
    return value


def _read_outline_or_response():
    try:
        return outline(), None
    except OutlineError as err:
        return None, _text(404, f"The course is not built, or its build cannot be read: {err}")
    except Exception as err:  # a PREVIEW_COURSE_ID that is no course key
        log.exception("Cannot read the built course for the MFE page")
        return None, _text(500, f"The preview's course cannot be shown: {err}")


# --- the MFE origin -----------------------------------------------------------------------------------


def course_home(request, course_id):
    """``/learning/course/<course>/``: the first unit (the MFE's outline page is not reproduced)."""
    course, problem = _read_outline_or_response()
    if problem:
        return problem
    if course_id != str(course.course_key) or not course.units:
        return _text(404, f"This preview serves the course {course.course_key}, not {course_id!r}.")
    return HttpResponseRedirect(
        mfe_unit_url(request, course, course.units[0], student=_student(request.GET.get("student")))
    )


def unit_page(request, course_id, sequence_id, unit_id):
    """``/learning/course/<course>/<sequence>/<unit>``: one unit in its iframe, with Previous/Next."""
    if _host(request) != MFE_HOST:  # the MFE lives on its own origin: move there, keeping the query
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(origin(MFE_HOST, request) + request.path + (f"?{query}" if query else ""))
    course, problem = _read_outline_or_response()
    if problem:
        return problem
    if course_id != str(course.course_key):
        return _text(404, f"This preview serves the course {course.course_key}, not {course_id!r}.")
    unit = course.unit_by_key(unit_id)
    if unit is None or str(course.sequence_key(unit)) != sequence_id:
        return _text(404, f"No unit {unit_id!r} in the subsection {sequence_id!r} of {course.course_key}.")
    asked = _student(request.GET.get("student"))
    student = asked or _student(request.COOKIES.get(STUDENT_COOKIE)) or DEFAULT_STUDENT
    jump_to_id = request.GET.get("jumpToId") or None
    previous = course.units[unit.index - 1] if unit.index > 0 else None
    following = course.units[unit.index + 1] if unit.index + 1 < len(course.units) else None
    response = render(
        request,
        "preview_mfe/learning.html",
        {
            "course": course,
            "unit": unit,
            "position": unit.index + 1,
            "count": len(course.units),
            "student": student,
            "previous_url": mfe_unit_url(request, course, previous) if previous else "",
            "next_url": mfe_unit_url(request, course, following) if following else "",
            "previous": previous,
            "next": following,
            "iframe_src": iframe_url(request, course, unit, student, jump_to_id),
            "iframe_allow": IFRAME_ALLOW,
            "lms_origin": origin(LMS_HOST, request),
            "whole_course_url": f"http://127.0.0.1:{port(request)}/scenario/{WHOLE_COURSE}/?"
            + urlencode({"student": student}),
        },
    )
    if asked:
        response.set_cookie(STUDENT_COOKIE, asked, samesite="Lax", httponly=True)
    return response


# --- the LMS origin -----------------------------------------------------------------------------------


def workbench_units(runtime, outline):
    """``{sequence url_name: vertical_demo block}`` of the preview's "Whole course" scenario.

    ``course/preview.py`` writes the course as one ``vertical_demo`` holding, in course order, headings
    (``html_demo``) and a ``vertical_demo`` per unit, whose first child is the unit's heading and the rest
    the unit's own blocks: the units are matched with the outline's in that order.
    """
    from workbench.scenarios import get_scenarios

    from scripts.preview.extra_scenarios import add_extra_scenarios

    scenario = get_scenarios().get(WHOLE_COURSE)
    if scenario is None:
        # The workbench loads its pages on the first request; two first requests at once (a slow start)
        # can leave the built course's page out. Adding it again is harmless: present pages are kept.
        add_extra_scenarios()
        scenario = get_scenarios().get(WHOLE_COURSE)
    if scenario is None:
        raise OutlineError(f"the preview has no {WHOLE_COURSE!r} page (of {len(get_scenarios())} pages)")
    root = runtime.get_block(scenario.usage_id)
    verticals = [
        child
        for child in (runtime.get_block(child_id) for child_id in root.children)
        if child.scope_ids.block_type == "vertical_demo"
    ]
    if len(verticals) != len(outline.units):
        found, built = len(verticals), len(outline.units)
        raise OutlineError(f"the whole-course page has {found} units, the build {built}")
    return {unit.sequence: vertical for unit, vertical in zip(outline.units, verticals, strict=True)}


@ensure_csrf_cookie
def xblock_view(request, usage_key):
    """``/xblock/<unit key>``: the unit's blocks (student_view), chromeless, sending resize messages."""
    from web_fragments.fragment import Fragment
    from workbench.runtime import WorkbenchRuntime

    view = request.GET.get("view", "student_view")
    if view not in ("student_view", "public_view"):
        return _text(400, f"view must be student_view or public_view, not {view[:40]!r}")
    course, problem = _read_outline_or_response()
    if problem:
        return problem
    unit = course.unit_by_key(usage_key)
    if unit is None:
        return _text(404, f"No unit {usage_key[:200]!r} in {course.course_key}.")
    student = _student(request.GET.get("student")) or DEFAULT_STUDENT
    runtime = WorkbenchRuntime(student)
    try:
        vertical = workbench_units(runtime, course)[unit.sequence]
    except OutlineError as err:
        return _text(404, f"The preview cannot show the unit {unit.vertical}: {err}. Restart it.")
    page = Fragment()
    bodies = []
    for child_id in vertical.children[1:]:  # after the unit's heading (the MFE shows its own)
        child = runtime.get_block(child_id)
        frag = child.render("student_view", {})
        page.add_fragment_resources(frag)
        body = frag.body_html()
        if child.scope_ids.block_type == "html_demo":  # an HTML body: its links into the course, as the LMS
            body = UNIT_ANCHOR.sub(f'href="/courses/{course.course_key}/jump_to_id/\\1"', body)
        bodies.append(body)
    return render(
        request,
        "preview_mfe/unit.html",
        {
            "unit": unit,
            "show_title": request.GET.get("show_title") == "1",
            "student": student,
            "body": "\n".join(bodies),
            "head_html": page.head_html(),
            "foot_html": page.foot_html(),
        },
    )


def jump_to_id(request, course_id, block_id):
    """``/courses/<course>/jump_to_id/<id>``: to the MFE unit holding ``<id>``, passing only ``jumpToId``.

    The learner is the preview's: ``?student=`` here, else the one of the page that made the jump (its
    address is the request's referrer), else the MFE's cookie decides.
    """
    course, problem = _read_outline_or_response()
    if problem:
        return problem
    if course_id != str(course.course_key):
        return _text(404, f"This preview serves the course {course.course_key}, not {course_id!r}.")
    unit, block = course.locate(block_id)
    if unit is None:
        return _text(404, f"No block {block_id[:200]!r} in {course.course_key}.")
    referrer = parse_qs(urlsplit(request.headers.get("Referer", "")).query).get("student", [None])[0]
    student = _student(request.GET.get("student")) or _student(referrer)
    jump_to = course.key(*block) if block else None
    return HttpResponseRedirect(mfe_unit_url(request, course, unit, jump_to=jump_to, student=student))
