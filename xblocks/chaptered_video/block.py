"""The chaptered video XBlock: a thin layer over ``coverage`` (rules), ``olx`` (forms) and ``staff``."""

import time

from webob import Response
from xblock.core import XBlock
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from xblocks.chaptered_video import coverage, olx, staff
from xblocks.chaptered_video.fields import VideoFields
from xblocks.chaptered_video.state import LearnerState
from xblocks.common.chapters import chapter_bounds
from xblocks.common.events import TrackedModuleMixin
from xblocks.common.handlers import BadRequest, json_api
from xblocks.common.rendering import fragment, gettext, translations
from xblocks.common.timecode import format_time
from xblocks.common.users import is_staff

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
REPORT_EVERY_SECONDS = 10
PACKAGE = __name__.rpartition(".")[0]  # runtimes mix classes: type(block).__module__ is not ours


def now():
    """Server clock (Unix seconds); tests replace it to simulate time passing."""
    return time.time()


def _text_response(text, content_type="text/vtt", status=200):
    return Response(body=text.encode("utf-8"), status=status, content_type=content_type, charset="utf-8")


@XBlock.needs("i18n")
@XBlock.wants("user")
class ChapteredVideoBlock(VideoFields, TrackedModuleMixin, StudioEditableXBlockMixin, XBlock):
    """A long recording learners move through by chapter; the server decides what was really watched."""

    editable_fields = (
        "display_name",
        "duration",
        "sources",
        "tracks",
        "poster",
        "completion_threshold",
        "chapters",
        "module_id",
    )

    @property
    def tracking_id(self):
        """As TrackedModuleMixin's (``module_id``, else the usage id's last part), reading the field once."""
        return self.module_id or str(self.scope_ids.usage_id).rsplit("@", 1)[-1]

    # --- configuration ----------------------------------------------------------------------------

    def config(self, data=None):
        """The authored settings read and checked (``data``: Studio's pending values, else this block)."""
        data = data or self
        return olx.read_config(
            data.duration, data.chapters, data.completion_threshold, data.sources, data.tracks
        )

    def _report_timeline(self):
        """The cached ``coverage.Timeline`` for reports; BadRequest (409) when the settings are broken."""
        threshold = self.completion_threshold
        timeline = None
        if isinstance(threshold, int | float):
            timeline = olx.report_timeline(str(self.duration or ""), str(self.chapters or ""), threshold)
        if timeline is None:
            raise BadRequest(
                gettext(self, "This video is not set up correctly yet; please tell the course team."),
                status=409,
            )
        return timeline

    def _learner(self):
        """This learner's packed state (``state.LearnerState``), read from its one field."""
        return LearnerState.from_text(self.learner_state)

    def _progress(self, config, state):
        watched = state.watched(config.duration)
        return coverage.progress(
            watched, config.chapters, config.duration, self.completion_threshold, config.masks
        )

    def raise_completion(self, value):
        """TrackedModuleMixin's rule (publish ``completion`` only when it rises), kept in the packed state."""
        state = self._learner()
        raised = self._raise_completion(state, value)
        if raised:
            self.learner_state = state.to_text()
        return raised

    def _raise_completion(self, state, value):
        value = min(1.0, max(0.0, float(value)))
        if value <= state.completion_published:
            return False
        state.completion_published = value
        self.emit_completion(value)
        return True

    # --- Studio -----------------------------------------------------------------------------------

    def validate_field_data(self, validation, data):
        for problem in self.config(data).problems:
            validation.add(ValidationMessage(ValidationMessage.ERROR, problem))

    def validate(self):
        """Studio's messages: every error of ``validate_field_data``, then advice (warnings) that never
        blocks saving (kept out of ``validate_field_data``, where any message refuses the save)."""
        validation = super().validate()
        for advice in olx.source_warnings(self.sources):
            validation.add(ValidationMessage(ValidationMessage.WARNING, advice))
        return validation

    # --- OLX --------------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        values = olx.parse_olx(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in values.items():
            setattr(block, name, value)
        return block

    def add_xml_to_node(self, node):
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        values = {
            name: getattr(self, name) for name in (*olx.ROOT_ATTRIBUTES, "sources", "tracks", "chapters")
        }
        values["poster"] = self.poster
        olx.export_olx(node, values)

    # --- learner view -----------------------------------------------------------------------------

    def _chapter_rows(self, config, standing):
        rows = []
        bounds = chapter_bounds(list(config.chapters), config.duration)
        for chapter, state, (start, end) in zip(config.chapters, standing.chapters, bounds, strict=True):
            mark = "watched" if state.complete else ("partial" if state.coverage > 0 else "not-started")
            rows.append(
                {
                    "index": state.index,
                    "title": chapter.title,
                    "summary": chapter.summary,
                    "start": start,
                    "end": end,
                    "start_text": format_time(start, always_hours=config.duration >= 3600),
                    "coverage": coverage.round_share(state.coverage),
                    "percent": int(state.coverage * 100),
                    "mark": mark,
                }
            )
        return rows

    def _sources(self):
        """The sources to render, each with a type (Studio's JSON may leave it out)."""
        return [olx.source_entry(s) for s in self.sources if str(s.get("src") or "").strip()]

    def _track_urls(self):
        """The caption tracks to render: inline cues served by ``captions``; ``.srt`` files flagged."""
        tracks = []
        for i, track in enumerate(self.tracks):
            entry = olx.track_entry(track)
            if track.get("cues"):
                entry["src"] = self.runtime.handler_url(self, "captions", str(i))
            entry["srt"] = not track.get("cues") and olx.is_srt(entry["src"])  # converted by the player
            tracks.append(entry)
        return tracks

    def _strings(self):
        _ = translations(self).gettext
        return {
            "resume": _("Resume at {time}"),
            "startOver": _("Start over"),
            "play": _("Play"),
            "pause": _("Pause"),
            "captionsOn": _("Captions: on"),
            "captionsOff": _("Captions: off"),
            "notStarted": _("Not started"),
            "partial": _("Partly watched ({percent}%)"),
            "watched": _("Watched"),
            "total": _("{percent}% of the video watched"),
            "noMatches": _("No lines match."),
            "matches": _("{count} matching lines"),
            "saveFailed": _("Progress not saved yet; retrying."),
            "saved": _("Progress saved."),
            "noTranscript": _("No transcript is available for this video."),
            "transcriptLines": _("Transcript lines: each one plays the video from there"),
            "captionsFailed": _("The captions could not be loaded."),
            "cannotPlay": _(
                "This video cannot be played in this browser. Try another browser, or tell the course team."
            ),
        }

    def student_view_data(self, context=None):
        """What the mobile apps and the Course Blocks API read: the public settings, no learner state.

        ``available`` is False (and nothing else is given) while the settings are broken.
        """
        config = self.config()
        if config.problems:
            return {"display_name": self.display_name, "module_id": self.tracking_id, "available": False}
        bounds = chapter_bounds(list(config.chapters), config.duration)
        return {
            "display_name": self.display_name,
            "module_id": self.tracking_id,
            "available": True,
            "duration": config.duration,
            "completion_threshold": self.completion_threshold,
            "poster": self.poster,
            "sources": self._sources(),
            "tracks": [
                {key: track[key] for key in ("kind", "src", "srclang", "label", "srt")}
                for track in self._track_urls()
            ],
            "chapters_vtt_url": self.runtime.handler_url(self, "chapters_vtt"),
            "chapters": [
                {"index": i, "title": chapter.title, "summary": chapter.summary, "start": start, "end": end}
                for i, (chapter, (start, end)) in enumerate(zip(config.chapters, bounds, strict=True))
            ],
        }

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        """Player, chapter list, transcript; the staff chart too when the user is staff."""
        config = self.config()
        if config.problems:
            return fragment(
                self,
                "broken.html",
                {"title": self.display_name, "problems": config.problems if is_staff(self) else []},
                css=["css/chaptered_video.css"],
                package=PACKAGE,
            )
        state = self._learner()
        state.last_report_at = now()  # opening the page starts the clock of what may be watched
        self.learner_state = state.to_text()
        standing = self._progress(config, state)
        rows = self._chapter_rows(config, standing)
        position = min(max(state.position, 0.0), config.duration)
        long_video = config.duration >= 3600
        show_resume = 5 <= position < config.duration - 5
        context = {
            "title": self.display_name,
            "sources": self._sources(),
            "tracks": self._track_urls(),
            "poster": self.poster,
            "chapters": rows,
            "chapters_vtt_url": self.runtime.handler_url(self, "chapters_vtt"),
            "speeds": SPEEDS,
            "total_percent": int(standing.coverage * 100),
            "show_resume": show_resume,
            "resume_text": format_time(position, always_hours=long_video),
            "staff": staff.chart(self.reach, list(config.chapters)) if is_staff(self) else None,
        }
        init_args = {
            "reportUrl": self.runtime.handler_url(self, "report_progress"),
            "moduleId": self.tracking_id,
            "duration": config.duration,
            "position": position,
            "longVideo": long_video,
            "reportEvery": REPORT_EVERY_SECONDS,
            "chapters": [{"index": r["index"], "start": r["start"], "end": r["end"]} for r in rows],
            "progress": coverage.answer(standing, position),
            "strings": self._strings(),
        }
        return fragment(
            self,
            "student.html",
            context,
            css=["css/chaptered_video.css"],
            js=["js/chaptered_video.js"],
            init="ChapteredVideoInit",
            init_args=init_args,
            package=PACKAGE,
        )

    # --- handlers ---------------------------------------------------------------------------------

    @json_api
    def report_progress(self, data, suffix=""):
        """Merge what was played (``{"watched": [[start, end], ...], "position": s}``); answer progress.

        ``"reason"`` says why the player reported (``coverage.REASONS``; a seek adds ``"from"``): a play,
        pause, seek or page leave is published even when it adds no second, for the xAPI video profile.

        One field read and written (the packed ``learner_state``), the chapters assessed once, the answer
        written as JSON text from parts prepared per video (``coverage.Timeline``).
        """
        timeline = self._report_timeline()
        try:
            report = coverage.parse_report(data, timeline.duration)
        except coverage.ReportError as err:
            raise BadRequest(str(err))
        state = self._learner()
        clock = now()
        before = state.watched(timeline.duration)
        merged, added, dropped = before.merge(report.intervals, coverage.budget(clock, state.last_report_at))
        state.last_report_at = clock
        if report.position is not None:
            state.position = report.position
        position = min(state.position, timeline.duration)
        if added:
            state.watched_text = merged.to_text()
            found = timeline.assess(merged.bits, before.bits)
            self._publish_changes(timeline, found, state, position, added, dropped, report)
        else:
            found = timeline.assess(merged.bits)
            if report.moment:  # a play, pause, seek or leave is news for xAPI even with no new second
                self._publish_progress(timeline, found, position, added, dropped, report)
        self.learner_state = state.to_text()
        return timeline.answer_json(found, position, added, dropped)

    def _publish_progress(self, timeline, found, position, added, dropped, report):
        data = {
            "coverage": coverage.round_share(found.coverage),
            "position": position,
            "added_seconds": added,
            "dropped_seconds": dropped,
            "duration": round(timeline.duration, 3),
            # what the player reported playing, in order (the xAPI video profile's played-segments)
            "segments": [[round(start, 3), round(end, 3)] for start, end in report.intervals],
            "reason": report.reason,
        }
        chapter = timeline.chapter_at(position)
        if chapter is not None:
            data["chapter"] = chapter  # the chapter at the position: the statements' context
        if report.seek_from is not None:
            data["from"] = report.seek_from
        self.publish_event("edx.chaptered_video.progress", data)

    def _publish_changes(self, timeline, found, state, position, added, dropped, report):
        total = len(timeline.chapters)
        changes = found.changes
        duration = round(timeline.duration, 3)
        self._publish_progress(timeline, found, position, added, dropped, report)
        for index in changes.reached:
            self.publish_event(
                "edx.chaptered_video.chapter_reached",
                {"chapter": index, "title": timeline.chapters[index].title, "chapters_total": total},
            )
        for index in changes.completed:
            self.publish_event(
                "edx.chaptered_video.chapter_completed",
                {
                    "chapter": index,
                    "title": timeline.chapters[index].title,
                    "coverage": coverage.round_share(found.counts[index] / timeline.masks[index][1]),
                    "chapters_total": total,
                },
            )
        if changes.video_completed:
            self.publish_event(
                "edx.chaptered_video.completed",
                {
                    "coverage": coverage.round_share(found.coverage),
                    "chapters_total": total,
                    "position": position,
                    "duration": duration,
                },
            )
        self._raise_completion(state, found.completion)
        if changes.started or changes.reached or changes.completed:  # read the shared counters only then
            self.reach = staff.count_changes(self.reach, total, changes)

    @XBlock.handler
    def chapters_vtt(self, request, suffix=""):
        """The generated WebVTT ``kind="chapters"`` track (GET)."""
        if request.method not in ("GET", "HEAD"):
            return _text_response("Use GET for this handler.", "text/plain", 405)
        config = self.config()
        if config.duration is None:
            return _text_response("WEBVTT\n")
        chapters = [c for c in config.chapters if c.start < config.duration]
        return _text_response(olx.chapters_vtt(chapters, config.duration))

    @XBlock.handler
    def captions(self, request, suffix=""):
        """Inline caption cues of track ``suffix`` (0-based) as WebVTT (GET)."""
        if request.method not in ("GET", "HEAD"):
            return _text_response("Use GET for this handler.", "text/plain", 405)
        index = suffix.strip("/")
        tracks = self.tracks
        if not index.isdigit() or int(index) >= len(tracks) or not tracks[int(index)].get("cues"):
            return _text_response("No such caption track.", "text/plain", 404)
        return _text_response(tracks[int(index)]["cues"])

    # --- summaries for other blocks and reports -------------------------------------------------

    def progress_summary(self):
        """The current learner's standing as plain JSON-able data (read by the progress block)."""
        config = self.config()
        if config.duration is None:
            return {
                "completion": 0.0,
                "coverage": 0.0,
                "position": 0.0,
                "chapters_total": 0,
                "chapters_complete": 0,
                "chapters": [],
                "duration": None,
            }
        state = self._learner()
        standing = self._progress(config, state)
        return {
            "completion": coverage.round_share(standing.completion),
            "coverage": coverage.round_share(standing.coverage),
            "position": min(max(state.position, 0.0), config.duration),
            "chapters_total": len(config.chapters),
            "chapters_complete": standing.chapters_complete,
            "chapters": [
                {
                    "index": state.index,
                    "title": chapter.title,
                    "start": chapter.start,
                    "coverage": coverage.round_share(state.coverage),
                    "complete": state.complete,
                }
                for chapter, state in zip(config.chapters, standing.chapters, strict=True)
            ],
            "duration": config.duration,
        }

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """Rows for the LMS "problem responses" report: coverage, chapters completed, position, completed."""
        config = self.config()
        if config.duration is None:
            return
        yield from staff.report_rows(
            user_state_iterator,
            list(config.chapters),
            config.duration,
            self.completion_threshold,
            limit_responses,
        )

    @staticmethod
    def workbench_scenarios():
        """Scenario 0 is the two-minute demo the browser tests use."""
        from xblocks.chaptered_video.scenarios import SCENARIOS

        return SCENARIOS
