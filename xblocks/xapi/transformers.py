"""xAPI transformers for the course's events, registered with event-routing-backends.

Imported only by :meth:`xblocks.xapi.apps.FacilitatorXapiConfig.ready` when event-routing-backends is
installed. Each transformer follows the platform's own (``XApiTransformer``: the actor from the
platform's anonymous-id helper, the course as parent context, an id made from actor, time and verb).

An event whose fields are missing or of the wrong type is skipped with a warning naming its type:
``transform()`` answers None, which event-routing-backends' processor treats as "nothing to send".
"""

import logging
import uuid

from django.conf import settings
from event_routing_backends.helpers import get_uuid5
from event_routing_backends.processors.xapi import constants
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer import XApiTransformer
from tincan import (
    Activity,
    ActivityDefinition,
    ActivityList,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Verb,
)

from xblocks.xapi import checks
from xblocks.xapi import vocabulary as v

log = logging.getLogger(__name__)


def _name(text):
    return LanguageMap({constants.EN_US: text}) if text else None


def percent(share):
    """A 0..1 share as the 0..100 percentage the video profile and cmi5 use."""
    return round(share * 100, 2)


def played_segments(pairs):
    """``[[0, 5], [12, 22]]`` -> ``"0[.]5[,]12[.]22"`` (the xAPI video profile's played-segments)."""
    return "[,]".join(f"{start:g}[.]{end:g}" for start, end in pairs)


class FacilitatorTransformer(XApiTransformer):
    """What the course's transformers share: the input check, the block as object, the verb."""

    additional_fields = ("result",)
    verb_term = None  # (IRI, display); not "verb": the base class reads attributes named like fields
    activity_type = None

    # --- input ------------------------------------------------------------------------------------

    @property
    def event_name(self):
        return self.event.get("name", "")

    @property
    def data(self):
        """The event's fields: ``data`` in the LMS pipeline and in logs read by event-routing-backends;
        ``event`` if a tracker-level legacy field mapping renamed it."""
        data = self.event.get("data")
        return self.event.get("event") if data is None and isinstance(self.event.get("event"), dict) else data

    def problem(self):
        """What is wrong with the event (one line), or None."""
        found = checks.context_problem(self.event) or checks.problem(self.event_name, self.data)
        if found is None and not self.extract_username_or_userid():
            found = "no username or user_id says whose event it is"
        return found or self.key_problem()

    def key_problem(self):
        """The course id and usage key must parse as Open edX keys (they become the statement's IRIs)."""
        from opaque_keys import InvalidKeyError
        from opaque_keys.edx.keys import CourseKey, UsageKey

        context = self.event["context"]
        for label, parse, value in (
            ("context.course_id", CourseKey.from_string, context["course_id"]),
            ("context.module.usage_key", UsageKey.from_string, context["module"]["usage_key"]),
        ):
            try:
                parse(value)
            except InvalidKeyError:
                return f'"{label}" is not an Open edX key: {value[:80]!r}'
        return None

    def transform(self):
        """The statement, or None (with a warning naming the event type) when the event is malformed."""
        found = self.problem()
        if found is not None:
            log.warning("xAPI: skipped a %s event: %s", self.event_name or "(unnamed)", found)
            return None
        if not self.makes_statement():
            log.debug("xAPI: a %s event that makes no statement", self.event_name)
            return None
        return super().transform()

    def makes_statement(self):
        """Whether this (well-formed) event becomes a statement; every event does unless a type says not."""
        return True

    # --- statement parts --------------------------------------------------------------------------

    @property
    def _verb(self):
        """Read by ``XApiTransformer.get_verb`` (which keeps its openedx-filters hook)."""
        iri, display = self.choose_verb()
        return Verb(id=iri, display=LanguageMap({constants.EN_US: display}))

    def get_event_id(self):
        """A stable id from verb, actor, time and object (two parts of one block may share a timestamp)."""
        name = f"{self.get_actor().to_json()}-{self.get_timestamp()}-{self.get_object().id}"
        return get_uuid5(self.get_verb().to_json(), name)

    def choose_verb(self):
        return self.verb_term

    @property
    def usage_key(self):
        return self.event["context"]["module"]["usage_key"]

    @property
    def display_name(self):
        module = self.event["context"]["module"]
        return module.get("display_name") if isinstance(module.get("display_name"), str) else ""

    @property
    def block_iri(self):
        return self.get_object_iri("xblock", self.usage_key)

    def block_activity(self, activity_type=None):
        return Activity(
            id=self.block_iri,
            definition=ActivityDefinition(
                type=activity_type or self.activity_type, name=_name(self.display_name)
            ),
        )

    def part_activity(self, kind, part_id, activity_type, name=None):
        """An activity inside the block: ``<block IRI>/<kind>/<part id>``."""
        return Activity(
            id=f"{self.block_iri}/{kind}/{part_id}",
            definition=ActivityDefinition(type=activity_type, name=_name(name)),
        )

    def get_object(self):
        return self.block_activity()

    def get_result(self):
        return None

    def course_activities(self):
        """The course as the platform's transformers give it (``parent``)."""
        base = super().get_context_activities()
        return list(base.parent) if base is not None and base.parent else []

    def context_extensions(self):
        """Extensions added to the base ones (transformer version, session)."""
        return {}

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        extensions.update(self.context_extensions())
        return extensions


# --- chaptered_video ------------------------------------------------------------------------------


class VideoTransformer(FacilitatorTransformer):
    """The video as object (xAPI video profile), the profile as category, the course as parent."""

    activity_type = v.VIDEO

    def get_context_activities(self):
        profile = Activity(id=v.VIDEO_PROFILE, definition=ActivityDefinition(type=v.PROFILE))
        return ContextActivities(
            parent=ActivityList(self.course_activities()), category=ActivityList([profile])
        )

    def context_extensions(self):
        extensions = {v.VIDEO_SESSION_ID: self.video_session_id()}
        duration = self.data.get("duration")
        if duration:
            extensions[v.VIDEO_LENGTH] = float(duration)
        return extensions

    def video_session_id(self):
        """The video profile's session id (a UUID): the LMS session, else the learner, with this video."""
        who = self.extract_sessionid() or self.extract_username_or_userid()
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.block_iri}#{who}"))


@XApiTransformersRegistry.register(v.VIDEO_PROGRESS)
class VideoProgressTransformer(VideoTransformer):
    """The player's moments as the xAPI video profile has them: ``played``, ``paused``, ``seeked``,
    ``terminated`` (``vocabulary.VIDEO_MOMENT_VERBS``), each with the position and the chapter playing there
    as context; pause and leave also with the share watched (video profile ``progress`` and cmi5 progress,
    in %) and the segments the report played.

    A periodic report while playing (reason "progress", or none in logs written before reports had one)
    makes no statement: the profile has no verb for it, and the next pause or leave carries its progress.
    """

    def makes_statement(self):
        return self.data.get("reason") in v.VIDEO_MOMENT_VERBS

    def choose_verb(self):
        return v.VIDEO_MOMENT_VERBS[self.data["reason"]]

    def get_context_activities(self):
        """The video profile's category, the course as parent, and the chapter at the position as
        ``other`` (it is part of the object, not its parent; its statements give its title)."""
        activities = super().get_context_activities()
        if "chapter" in self.data:
            chapter = self.part_activity("chapter", self.data["chapter"], v.CHAPTER)
            activities.other = ActivityList([chapter])
        return activities

    def get_result(self):
        data = self.data
        reason = data["reason"]
        position = float(data["position"])
        if reason == "seek":
            extensions = {v.VIDEO_TIME_FROM: float(data["from"]), v.VIDEO_TIME_TO: position}
        else:
            extensions = {v.VIDEO_TIME: position}
        if reason in ("pause", "leave"):
            extensions[v.VIDEO_PROGRESS_PERCENT] = percent(data["coverage"])
            extensions[constants.XAPI_ACTIVITY_PROGRESS] = percent(data["coverage"])
            if data.get("segments"):
                extensions[v.VIDEO_PLAYED_SEGMENTS] = played_segments(data["segments"])
        if data["added_seconds"] or data["dropped_seconds"]:
            extensions[v.ADDED_SECONDS] = data["added_seconds"]
            extensions[v.DROPPED_SECONDS] = data["dropped_seconds"]
        return Result(extensions=Extensions(extensions))


@XApiTransformersRegistry.register(v.VIDEO_COMPLETED)
class VideoCompletedTransformer(VideoTransformer):
    """``completed``: every chapter complete; the share watched as progress."""

    verb_term = v.COMPLETED

    def get_result(self):
        data = self.data
        extensions = {
            v.VIDEO_PROGRESS_PERCENT: percent(data["coverage"]),
            constants.XAPI_ACTIVITY_PROGRESS: percent(data["coverage"]),
        }
        position = data.get("position", data.get("duration"))
        if position is not None:
            extensions[v.VIDEO_TIME] = float(position)
        return Result(completion=True, extensions=Extensions(extensions))

    def context_extensions(self):
        return {**super().context_extensions(), v.TOTAL_ITEMS: self.data["chapters_total"]}


class ChapterTransformer(VideoTransformer):
    """A chapter of the video as object; the video is its parent, the course the grouping."""

    def get_object(self):
        data = self.data
        return self.part_activity("chapter", data["chapter"], v.CHAPTER, data.get("title"))

    def get_context_activities(self):
        return ContextActivities(
            parent=ActivityList([self.block_activity(v.VIDEO)]),
            grouping=ActivityList(self.course_activities()),
        )

    def context_extensions(self):
        return {v.POSITION: self.data["chapter"], v.TOTAL_ITEMS: self.data["chapters_total"]}


@XApiTransformersRegistry.register(v.VIDEO_CHAPTER_REACHED)
class ChapterReachedTransformer(ChapterTransformer):
    """``experienced``: the first watched second inside the chapter."""

    verb_term = v.EXPERIENCED


@XApiTransformersRegistry.register(v.VIDEO_CHAPTER_COMPLETED)
class ChapterCompletedTransformer(ChapterTransformer):
    """``completed``: the chapter's own coverage reached the completion threshold."""

    verb_term = v.COMPLETED

    def get_result(self):
        share = percent(self.data["coverage"])
        return Result(completion=True, extensions=Extensions({constants.XAPI_ACTIVITY_PROGRESS: share}))


# --- checkpoint_quiz ------------------------------------------------------------------------------


class QuizTransformer(FacilitatorTransformer):
    activity_type = v.ASSESSMENT

    def get_object(self):
        activity = self.block_activity()
        activity.definition.extensions = Extensions({v.ATTEMPT: self.data["attempt"]})
        return activity


@XApiTransformersRegistry.register(v.QUIZ_SUBMITTED)
class QuizSubmittedTransformer(QuizTransformer):
    """``answered``: one accepted attempt, its scaled score and whether it passed (``success``)."""

    verb_term = v.ANSWERED

    def get_result(self):
        data = self.data
        questions = {qid: bool(entry["correct"]) for qid, entry in data["questions"].items()}
        extensions = {v.QUESTIONS: questions}
        if data["attempts_left"] is not None:
            extensions[v.ATTEMPTS_LEFT] = data["attempts_left"]
        return Result(
            success=data["passed"],
            completion=True,
            score={"scaled": data["score"], "raw": data["earned"], "min": 0, "max": data["possible"]},
            extensions=Extensions(extensions),
        )


@XApiTransformersRegistry.register(v.QUIZ_PASSED)
class QuizPassedTransformer(QuizTransformer):
    """``passed`` (the kept score reached the pass mark), with the kept scaled score."""

    verb_term = v.PASSED

    def get_result(self):
        return Result(success=True, completion=True, score={"scaled": self.data["score"]})


# --- stage_toolkit --------------------------------------------------------------------------------


class ToolkitTransformer(FacilitatorTransformer):
    """A part of the toolkit as object; the toolkit is its parent, the course the grouping."""

    activity_type = v.CHECKLIST

    def get_context_activities(self):
        return ContextActivities(
            parent=ActivityList([self.block_activity()]),
            grouping=ActivityList(self.course_activities()),
        )

    def context_extensions(self):
        return {v.STAGE: self.data["stage"]}


@XApiTransformersRegistry.register(v.TOOLKIT_ITEM_CHECKED)
class ItemCheckedTransformer(ToolkitTransformer):
    """``completed`` when an item is checked, ``interacted`` (completion false) when unchecked."""

    def choose_verb(self):
        return v.COMPLETED if self.data["checked"] else v.INTERACTED

    def get_object(self):
        return self.part_activity("item", self.data["item"], v.CHECKLIST_ITEM, self.data["item"])

    def get_result(self):
        data = self.data
        return Result(
            completion=data["checked"],
            response="checked" if data["checked"] else "unchecked",
            extensions=Extensions(
                {
                    v.ITEMS_CHECKED: data["items_checked"],
                    v.TOTAL_ITEMS: data["items_total"],
                    constants.XAPI_ACTIVITY_PROGRESS: percent(data["completion"]),
                }
            ),
        )


@XApiTransformersRegistry.register(v.TOOLKIT_REFLECTION_SAVED)
class ReflectionSavedTransformer(ToolkitTransformer):
    """``answered``: a reflection was saved; its length only, never its text."""

    verb_term = v.ANSWERED

    def get_object(self):
        activity = self.part_activity(
            "reflection", self.data["reflection"], v.QUESTION, self.data["reflection"]
        )
        activity.definition.interaction_type = "long-fill-in"
        return activity

    def get_result(self):
        data = self.data
        return Result(
            extensions=Extensions(
                {v.TEXT_LENGTH: data["length"], constants.XAPI_ACTIVITY_PROGRESS: percent(data["completion"])}
            ),
        )


@XApiTransformersRegistry.register(v.TOOLKIT_RESOURCE_OPENED)
class ResourceOpenedTransformer(ToolkitTransformer):
    """``experienced``: a resource (link) was opened; its address as ``moreInfo``."""

    verb_term = v.EXPERIENCED

    def get_object(self):
        activity = self.part_activity("resource", self.data["resource"], v.LINK, self.data["resource"])
        href = self.data["href"]
        if href.startswith("/"):
            href = settings.LMS_ROOT_URL.rstrip("/") + href
        if href.startswith(("http://", "https://")):
            activity.definition.more_info = href
        return activity


# --- facilitator_progress -------------------------------------------------------------------------


@XApiTransformersRegistry.register(v.PROGRESS_VIEWED)
class ProgressViewedTransformer(FacilitatorTransformer):
    """``viewed``: the learner's progress page, with overall progress and modules complete."""

    verb_term = v.VIEWED
    activity_type = v.PAGE

    def get_result(self):
        data = self.data
        return Result(
            extensions=Extensions(
                {
                    constants.XAPI_ACTIVITY_PROGRESS: percent(data["overall"]),
                    v.ITEMS_CHECKED: data["modules_complete"],
                    v.TOTAL_ITEMS: data["modules_total"],
                    v.PROGRESS_SOURCE: data["source"],
                }
            )
        )


@XApiTransformersRegistry.register(v.PROGRESS_TRANSCRIPTS_SEARCHED)
class TranscriptsSearchedTransformer(FacilitatorTransformer):
    """``interacted``: a transcript search (the query's length and the number of results, not the query)."""

    verb_term = v.INTERACTED
    activity_type = v.PAGE

    def get_result(self):
        data = self.data
        return Result(
            extensions=Extensions({v.QUERY_LENGTH: data["query_length"], v.RESULTS: data["results"]})
        )


@XApiTransformersRegistry.register(v.PROGRESS_REPORT_DOWNLOADED)
class ReportDownloadedTransformer(FacilitatorTransformer):
    """``downloaded``: staff downloaded the learner x module matrix (how many learners it holds)."""

    verb_term = v.DOWNLOADED
    activity_type = v.FILE

    def get_object(self):
        return self.part_activity("report", "progress-matrix.csv", v.FILE, "progress matrix (CSV)")

    def get_context_activities(self):
        return ContextActivities(
            parent=ActivityList([self.block_activity(v.PAGE)]),
            grouping=ActivityList(self.course_activities()),
        )

    def get_result(self):
        return Result(extensions=Extensions({v.LEARNERS: self.data["learners"]}))
