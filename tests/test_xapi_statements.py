"""xAPI statements of every custom event, made by event-routing-backends from a preview tracking log.

The log comes from learners using the real blocks (``tests.xapi_support.write_preview_log``); the
statements from event-routing-backends' own xAPI processor, with this app loaded as an LMS plugin.
Also: malformed events are skipped with a warning, the plugin settings in either order, the entry point,
and nothing changes for the blocks without event-routing-backends.
"""

import copy
import json
import logging
import math
import subprocess
import sys
import textwrap

import pytest

from tests.xapi_support import (
    COURSE_ID,
    COURSE_NAME,
    LMS_ROOT_URL,
    REFLECTION,
    REPO,
    read_log_events,
    statements_of,
    write_preview_log,
)
from xblocks.xapi import vocabulary as v


@pytest.fixture(scope="module")
def events(lms, tmp_path_factory):
    log = tmp_path_factory.mktemp("preview-var") / "tracking.log"
    assert write_preview_log(log) > 30
    return read_log_events(log)


@pytest.fixture(scope="module")
def made(events):
    """(event, statement) pairs for the custom events that make one, in log order.

    Every custom event makes exactly one statement, but for the video's periodic report while playing (reason
    "progress"), which makes none: the xAPI video profile reports progress on play, pause, seek and leave.
    """
    pairs = []
    for event in events:
        if event["name"] in v.EVENT_TYPES:
            found = statements_of([event])
            periodic = event["name"] == v.VIDEO_PROGRESS and event["data"]["reason"] == "progress"
            assert len(found) == (0 if periodic else 1), event["name"]
            pairs.extend((event, statement) for statement in found)
    return pairs


def of(made, event_type):
    found = [(e, s) for e, s in made if e["name"] == event_type]
    assert found, f"the preview log has no {event_type} event"
    return found


def ext(part, key):
    return part["extensions"][key]


def test_the_log_holds_every_custom_event_type_and_each_gets_a_statement(events, made):
    assert {e["name"] for e in events} >= set(v.EVENT_TYPES)
    assert {e["name"] for e, _ in made} == set(v.EVENT_TYPES)
    assert len({s["id"] for _, s in made}) == len(made)  # no two statements share an id


def test_actor_is_the_platform_anonymous_id_and_course_is_the_context(lms, made):
    for event, statement in made:
        assert statement["actor"]["account"] == {
            "homePage": LMS_ROOT_URL,
            "name": lms.anonymous_id(event["username"]),
        }
        assert statement["timestamp"] == event["time"]
        context = statement["context"]["contextActivities"]
        course = (context.get("grouping") or context["parent"])[-1]
        assert course["id"] == f"{LMS_ROOT_URL}/course/{COURSE_ID}"
        assert course["definition"]["name"]["en-US"] == COURSE_NAME


def test_statements_are_the_same_when_made_again(events, made):
    again = statements_of([e for e in events if e["name"] in v.EVENT_TYPES])
    assert again == [s for _, s in made]


def test_the_players_moments_follow_the_xapi_video_profile(events, made):
    """ana's play session (``PLAYER_SESSIONS``) as the profile's verbs, each with the time it happened."""
    ana = [(e, s) for e, s in of(made, v.VIDEO_PROGRESS) if e["username"] == "ana"]
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for _, s in ana]
    assert verbs == ["played", "seeked", "paused", "seeked", "played", "paused", "terminated"]
    video_iri = f"{LMS_ROOT_URL}/xblock/{ana[0][0]['context']['module']['usage_key']}"
    others = [s["context"]["contextActivities"]["other"] for _, s in ana]  # the chapter at the position
    assert [o[0]["id"] for o in others] == [f"{video_iri}/chapter/{n}" for n in (0, 3, 3, 1, 1, 3, 3)]
    assert all(len(o) == 1 and o[0]["definition"]["type"] == v.CHAPTER for o in others)
    periodic = [e for e in events if e["name"] == v.VIDEO_PROGRESS and e["data"]["reason"] == "progress"]
    assert len(periodic) == 4 and not any(e is p for e, _ in made for p in periodic)
    for event, statement in ana:
        data, result = event["data"], statement["result"]
        assert statement["object"]["id"] == f"{LMS_ROOT_URL}/xblock/{event['context']['module']['usage_key']}"
        assert statement["object"]["definition"]["type"] == v.VIDEO
        assert statement["context"]["contextActivities"]["category"][0]["id"] == v.VIDEO_PROFILE
        assert ext(statement["context"], v.VIDEO_LENGTH) == 120.0
        if data["reason"] == "seek":
            assert (ext(result, v.VIDEO_TIME_FROM), ext(result, v.VIDEO_TIME_TO)) == (
                data["from"],
                data["position"],
            )
            assert v.VIDEO_TIME not in result["extensions"]
        else:
            assert ext(result, v.VIDEO_TIME) == data["position"]
    seeks = [
        (ext(s["result"], v.VIDEO_TIME_FROM), ext(s["result"], v.VIDEO_TIME_TO))
        for e, s in ana
        if e["data"]["reason"] == "seek"
    ]
    assert seeks == [(40.0, 90.0), (120.0, 40.0)]
    paused, last_pause, left = ana[2][1]["result"], ana[5][1]["result"], ana[6][1]["result"]
    assert ext(paused, v.VIDEO_PROGRESS_PERCENT) == pytest.approx(100 * 70 / 120, abs=0.01)
    assert v.VIDEO_PLAYED_SEGMENTS not in paused["extensions"]  # that pause closed no segment: none sent
    assert ext(last_pause, v.VIDEO_PLAYED_SEGMENTS) == "70[.]90" and ext(last_pause, v.ADDED_SECONDS) == 20
    assert (
        ext(left, v.VIDEO_PROGRESS_PERCENT)
        == 100.0
        == ext(left, "https://w3id.org/xapi/cmi5/result/extensions/progress")
    )
    ben = [s for e, s in of(made, v.VIDEO_PROGRESS) if e["username"] == "ben"]
    assert [s["verb"]["id"] for s in ben] == [v.PLAYED[0], v.TERMINATED[0]]
    assert ext(ben[1]["result"], v.VIDEO_PLAYED_SEGMENTS) == "30[.]45"
    assert ext(ben[1]["result"], v.VIDEO_PROGRESS_PERCENT) == pytest.approx(100 * 45 / 120, abs=0.01)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"reason": "rewind"}, '"reason" must be one of progress, play, pause, seek, leave'),
        ({"reason": ["play"]}, '"reason" must be one of'),
        ({"reason": "seek"}, '"from" is missing'),
        ({"reason": "seek", "from": "40"}, '"from" must be a number of at least 0'),
        ({"reason": "seek", "from": -1}, '"from" must be a number of at least 0'),
        ({"reason": "pause", "segments": [[5, 1]]}, '"segments" must be a list of [start, end] pairs'),
        ({"chapter": -1}, '"chapter" must be a whole number of at least 0'),
        ({"chapter": "<b>2</b>"}, '"chapter" must be a whole number of at least 0'),
    ],
)
def test_a_malformed_moment_is_skipped_with_a_warning(made, change, words, caplog):
    event = copy.deepcopy(of(made, v.VIDEO_PROGRESS)[0][0])
    event["data"].update(change)
    with caplog.at_level(logging.WARNING, logger="xblocks.xapi.transformers"):
        assert statements_of([event]) == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "xblocks.xapi.transformers"]
    assert len(warnings) == 1 and f"skipped a {v.VIDEO_PROGRESS} event: {words}" in warnings[0], warnings


def test_a_report_from_before_reasons_makes_no_statement_and_no_warning(made, caplog):
    event = copy.deepcopy(of(made, v.VIDEO_PROGRESS)[0][0])
    del event["data"]["reason"]
    with caplog.at_level(logging.DEBUG, logger="xblocks.xapi.transformers"):
        assert statements_of([event]) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_video_completed_and_chapters_name_the_chapter(made):
    (event, statement), *_ = of(made, v.VIDEO_COMPLETED)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["result"]["completion"] is True
    assert ext(statement["result"], v.VIDEO_PROGRESS_PERCENT) == 100.0
    assert ext(statement["result"], v.VIDEO_TIME) == event["data"]["position"]
    reached = of(made, v.VIDEO_CHAPTER_REACHED)
    completed = of(made, v.VIDEO_CHAPTER_COMPLETED)
    for event, statement in reached + completed:
        video_iri = f"{LMS_ROOT_URL}/xblock/{event['context']['module']['usage_key']}"
        assert statement["object"]["id"] == f"{video_iri}/chapter/{event['data']['chapter']}"
        assert statement["object"]["definition"]["name"]["en-US"] == event["data"]["title"]
        assert statement["context"]["contextActivities"]["parent"][0]["id"] == video_iri
        assert ext(statement["context"], v.POSITION) == event["data"]["chapter"]
        assert ext(statement["context"], v.TOTAL_ITEMS) == 4
    assert {s["verb"]["id"] for _, s in reached} == {"http://adlnet.gov/expapi/verbs/experienced"}
    assert {s["verb"]["id"] for _, s in completed} == {"http://adlnet.gov/expapi/verbs/completed"}
    assert all(s["result"]["completion"] is True for _, s in completed)


def test_quiz_attempts_carry_scaled_score_and_success(made):
    submitted = of(made, v.QUIZ_SUBMITTED)
    outcomes = [(e["username"], s["result"]["success"], s["result"]["score"]["scaled"]) for e, s in submitted]
    assert (
        ("ben", False, 0.0) in outcomes and ("ben", True, 1.0) in outcomes and ("ana", True, 1.0) in outcomes
    )
    for event, statement in submitted:
        assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
        score = statement["result"]["score"]
        assert score == {"scaled": event["data"]["score"], "raw": event["data"]["earned"], "min": 0, "max": 1}
        assert ext(statement["object"]["definition"], v.ATTEMPT) == event["data"]["attempt"]
        assert ext(statement["result"], v.QUESTIONS) == {
            "lead": event["data"]["questions"]["lead"]["correct"]
        }
    passed = of(made, v.QUIZ_PASSED)
    assert {e["username"] for e, _ in passed} == {"ana", "ben"}
    for _event, statement in passed:
        assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
        assert statement["result"]["success"] is True and statement["result"]["score"]["scaled"] == 1.0


def test_toolkit_statements_say_what_was_checked_or_opened(made):
    checked = of(made, v.TOOLKIT_ITEM_CHECKED)
    seen = [
        (e["username"], s["verb"]["display"]["en-US"], s["object"]["id"].rsplit("/", 2)[-2:])
        for e, s in checked
    ]
    assert ("cy", "completed", ["item", "industry"]) in seen and (
        "cy",
        "interacted",
        ["item", "industry"],
    ) in seen
    for event, statement in checked:
        assert statement["result"]["completion"] is event["data"]["checked"]
        assert statement["object"]["definition"]["type"] == v.CHECKLIST_ITEM
        assert ext(statement["context"], v.STAGE) == event["data"]["stage"]
    opened = of(made, v.TOOLKIT_RESOURCE_OPENED)
    more_info = {
        s["object"]["id"].rsplit("/", 1)[-1]: s["object"]["definition"]["moreInfo"] for _, s in opened
    }
    assert more_info == {
        "sector-report": f"{LMS_ROOT_URL}/static/sector-partnership-report.pdf",
        "nga": "https://www.nga.org/publications/",
    }


def test_a_reflection_text_never_leaves_only_its_length(events, made):
    (event, statement), *_ = of(made, v.TOOLKIT_REFLECTION_SAVED)
    assert ext(statement["result"], v.TEXT_LENGTH) == len(REFLECTION)
    assert statement["object"]["id"].endswith("/reflection/industry-scope")
    everything = json.dumps([s for _, s in made])
    assert "welder" not in everything and "Advanced manufacturing" not in everything


def test_progress_block_statements(made):
    (event, statement), *_ = of(made, v.PROGRESS_VIEWED)
    assert statement["verb"]["id"] == "http://id.tincanapi.com/verb/viewed"
    assert ext(statement["result"], "https://w3id.org/xapi/cmi5/result/extensions/progress") == pytest.approx(
        event["data"]["overall"] * 100
    )
    assert ext(statement["result"], v.TOTAL_ITEMS) == event["data"]["modules_total"]
    (event, statement), *_ = of(made, v.PROGRESS_TRANSCRIPTS_SEARCHED)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/interacted"
    assert ext(statement["result"], v.QUERY_LENGTH) == len("industry")
    (event, statement), *_ = of(made, v.PROGRESS_REPORT_DOWNLOADED)
    assert statement["verb"]["id"] == "http://id.tincanapi.com/verb/downloaded"
    assert ext(statement["result"], v.LEARNERS) == event["data"]["learners"] == 3


# --- bad input: skipped with a warning naming the event type, never raised -------------------------------


def _first_required(event_type):
    from xblocks.xapi.checks import RULES

    return next(iter(RULES[event_type]))


def _wrong_type(event_type):
    """The first required field, with a value its rule refuses (a number for a text, a text for a number)."""
    from xblocks.xapi.checks import RULES

    field, (check, _description) = next(iter(RULES[event_type].items()))
    return field, next(value for value in (12, "twelve", None, [], {}) if not check(value))


def _number_field(event):
    """The first numeric field of the event (the first required field when it has none)."""
    numbers = [k for k, x in event["data"].items() if _is_number(x)]
    return numbers[0] if numbers else _first_required(event["name"])


MUTATIONS = {
    "field missing": lambda e, t: e["data"].pop(_first_required(t)),
    "field of the wrong type": lambda e, t: e["data"].__setitem__(*_wrong_type(t)),
    "NaN": lambda e, t: e["data"].__setitem__(_number_field(e), math.nan),
    "negative number": lambda e, t: e["data"].__setitem__(_number_field(e), -5),
    "huge number": lambda e, t: e["data"].__setitem__(_number_field(e), 1e308),
    "data not an object": lambda e, t: e.__setitem__("data", "<script>alert(1)</script>"),
    "no module_id": lambda e, t: e["data"].pop("module_id"),
    "no usage key": lambda e, t: e["context"]["module"].pop("usage_key"),
    "no course": lambda e, t: e["context"].pop("course_id"),
    "course id not a course key": lambda e, t: e["context"].__setitem__("course_id", "../../etc/passwd"),
    "usage key not a usage key": lambda e, t: e["context"]["module"].__setitem__("usage_key", "<b>x</b> y"),
    "no learner": lambda e, t: [e.pop("username"), e["context"].pop("user_id")],
}


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.mark.parametrize("event_type", v.EVENT_TYPES)
@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_malformed_events_are_skipped_with_a_warning(made, event_type, mutation, caplog):
    event = copy.deepcopy(of(made, event_type)[0][0])
    MUTATIONS[mutation](event, event_type)
    with caplog.at_level(logging.WARNING, logger="xblocks.xapi.transformers"):
        assert statements_of([event]) == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "xblocks.xapi.transformers"]
    assert len(warnings) == 1 and f"skipped a {event_type} event" in warnings[0], warnings


def test_the_pipeline_keeps_going_after_a_malformed_event(made):
    good = [e for e, _ in made[:3]]
    bad = copy.deepcopy(good[0])
    bad["data"]["coverage"] = "all of it"
    assert len(statements_of([good[0], bad, good[1], good[2]])) == 3


# --- the plugin ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("ours_first", [True, False])
def test_plugin_settings_route_our_events_in_either_order(lms, ours_first):
    from event_routing_backends.apps import EventRoutingBackendsConfig

    from tests.xapi_support import plugin_settings_module
    from xblocks.xapi.apps import FacilitatorXapiConfig

    order = [FacilitatorXapiConfig, EventRoutingBackendsConfig]
    module = plugin_settings_module(
        order if ours_first else order[::-1], {"LMS_ROOT_URL": LMS_ROOT_URL, "ENV_TOKENS": {}}
    )
    assert set(module.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS) >= set(v.EVENT_TYPES)
    transformer = module.EVENT_TRACKING_BACKENDS["event_transformer"]["OPTIONS"]
    assert set(transformer["processors"][0]["OPTIONS"]["whitelist"]) >= set(v.EVENT_TYPES)
    xapi = transformer["backends"]["xapi"]["OPTIONS"]["processors"][0]["OPTIONS"]["whitelist"]
    assert set(xapi) >= set(v.EVENT_TYPES)
    assert module.EVENT_BUS_TRACKING_LOGS >= set(v.EVENT_TYPES)
    assert len(module.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS) == len(
        set(module.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS)
    )


def test_the_transformers_are_registered_by_the_app(lms):
    from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry

    from xblocks.xapi import transformers

    for event_type in v.EVENT_TYPES:
        assert XApiTransformersRegistry.mapping[event_type].__module__ == transformers.__name__


def test_the_distribution_declares_the_lms_plugin_entry_point():
    from importlib.metadata import entry_points

    found = {ep.name: ep.value for ep in entry_points(group="lms.djangoapp")}
    assert found.get("facilitator_xapi") == "xblocks.xapi.apps:FacilitatorXapiConfig", (
        "setup.py needs entry_points['lms.djangoapp'] = "
        "['facilitator_xapi = xblocks.xapi.apps:FacilitatorXapiConfig'] (then reinstall: make venv)"
    )


GUARD = textwrap.dedent(
    """
    import sys
    sys.modules["event_routing_backends"] = None  # as if not installed: any import of it fails
    import xblocks.chaptered_video, xblocks.checkpoint_quiz
    import xblocks.stage_toolkit, xblocks.facilitator_progress
    loaded = sorted(m for m in sys.modules if m.startswith(("xblocks.xapi", "tincan", "event_routing")))
    assert loaded == ["event_routing_backends"], loaded  # only the blocker itself
    import django
    from django.conf import settings
    settings.configure(INSTALLED_APPS=["xblocks.xapi.apps.FacilitatorXapiConfig"])
    django.setup()
    assert "xblocks.xapi.transformers" not in sys.modules
    import types
    from xblocks.xapi.settings import plugin_settings
    lms = types.SimpleNamespace(EVENT_TRACKING_BACKENDS={})
    plugin_settings(lms)
    assert vars(lms) == {"EVENT_TRACKING_BACKENDS": {}}, vars(lms)
    print("unchanged")
    """
)


def test_without_event_routing_backends_nothing_changes():
    done = subprocess.run(
        [sys.executable, "-c", GUARD], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "unchanged", done.stderr[-2000:]


def test_tools_are_required_under_ci():
    script = textwrap.dedent(
        """
        import sys, pytest
        sys.modules["ralph"] = None
        import importlib.util
        real = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name == "ralph" else real(name, *a)
        from tests.xapi_support import require_tools
        try:
            require_tools()
        except BaseException as err:
            print(type(err).__name__, err)
        """
    )
    for ci, expected in (
        ("true", "Failed CI=true and xAPI tools not installed (ralph"),
        ("", "Skipped xAPI tools"),
    ):
        env = {"PATH": "/usr/bin:/bin", "CI": ci}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60, env=env
        )
        assert done.stdout.startswith(expected), (done.stdout, done.stderr[-1500:])


def test_the_lms_event_pipeline_makes_statements_and_skips_malformed_events(lms, made, caplog):
    """Through event-tracking as the LMS emits a block's event: router, processors, our transformer."""
    from django.contrib.auth import get_user_model
    from eventtracking import tracker

    event, _statement = of(made, v.VIDEO_PROGRESS)[0]
    context = {**event["context"], "user_id": get_user_model().objects.get(username="ana").pk}
    bad = {**event["data"], "coverage": float("nan")}
    with caplog.at_level(logging.INFO):
        with tracker.get_tracker().context("edx.test.xapi", context):
            tracker.emit(v.VIDEO_PROGRESS, dict(event["data"]))
            tracker.emit(v.VIDEO_PROGRESS, bad)
    made_now = [json.loads(r.getMessage()) for r in caplog.records if r.name == "xapi_tracking"]
    assert len(made_now) == 1 and made_now[0]["verb"]["id"] == v.PLAYED[0]
    assert made_now[0]["actor"]["account"]["name"] == lms.anonymous_id("ana")
    warnings = [r.getMessage() for r in caplog.records if r.name == "xblocks.xapi.transformers"]
    assert warnings == [
        f'xAPI: skipped a {v.VIDEO_PROGRESS} event: "coverage" must be a number from 0 to 1, got nan'
    ]
