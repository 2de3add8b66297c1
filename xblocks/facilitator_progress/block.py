"""The facilitator_progress XBlock: the facilitator's home page in the course, and the staff overview.

Thin on purpose: the OLX form lives in ``olx.py`` (read its docstring to write one), the progress rules in
``progress.py``, where progress is read from in ``sources.py`` (LMS completion service, or the tracked
blocks' ``progress_summary()`` in the preview), transcript search in ``transcripts.py``, the staff matrix,
charts and CSV in ``staff.py`` and ``charts.py``.
"""

import datetime
import hashlib
from urllib.parse import quote

from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Dict, List, Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from xblocks.common import deeplinks
from xblocks.common.events import TrackedModuleMixin
from xblocks.common.handlers import BadRequest, Forbidden, error_response, json_api
from xblocks.common.rendering import fragment, gettext, render, translations
from xblocks.common.users import is_staff, username
from xblocks.facilitator_progress import (
    completion_store,
    olx,
    progress,
    scenarios,
    sources,
    staff,
    transcripts,
)

PACKAGE = "xblocks.facilitator_progress"
MAX_LEARNERS_ON_RECORD = 20_000
# A learner's record is rewritten when their progress changed, or to refresh "last visit" after this long:
# the page asks for a snapshot each time it comes into view, and the shared record is not rewritten for that.
VISIT_REFRESH = datetime.timedelta(minutes=10)


def needs_write(previous, modules, now):
    """Whether the stored record ``previous`` must be replaced by one with ``modules`` at ``now``."""
    if not isinstance(previous, dict) or previous.get("modules") != modules:
        return True
    try:
        at = datetime.datetime.fromisoformat(str(previous.get("at")))
    except ValueError:
        return True
    if at.tzinfo is None:
        return True
    return not (datetime.timedelta(0) <= now - at < VISIT_REFRESH)


def at_second(href, ref, seconds):
    """``href#t=SECONDS&module=REF``: the chaptered video on the page opened there seeks to that second."""
    if not href or seconds is None:
        return href
    return f"{href}#t={float(seconds):.0f}&module={quote(str(ref), safe='')}"


@XBlock.needs("i18n")
@XBlock.wants("user", "completion")
class FacilitatorProgressBlock(StudioEditableXBlockMixin, TrackedModuleMixin, XBlock):
    """Overall progress, a row per module, Continue, transcript search; a matrix and charts for staff."""

    # A dashboard: it is never "completed" itself.
    has_custom_completion = False
    completion_mode = XBlockCompletionMode.EXCLUDED
    editable_fields = ("display_name", "module_id")
    icon_class = "other"

    display_name = String(
        display_name="Title",
        default="Your progress",
        scope=Scope.settings,
        help="The heading learners see above their progress.",
    )
    tracks = List(
        display_name="Tracked modules",
        default=[],
        scope=Scope.content,
        help="What the block tracks, in course order: dicts with block_type, ref (url_name), label, kind "
        "(session, quiz, toolkit, assessment), session and href. Written by the course build (see olx.py).",
    )
    transcripts = List(
        display_name="Transcripts",
        default=[],
        scope=Scope.content,
        help="Per session: session, title, src, chapters [[start, title]] and cues [[start, end, text]] "
        "for the transcript search (the build embeds the cues).",
    )
    learners = Dict(
        default={},
        scope=Scope.user_state_summary,
        help="Staff view data: per username the last visit and each module's completion (and chapters "
        "reached), recorded when the learner opens the progress page.",
    )

    # --- OLX ----------------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        try:
            attributes, tracks, found = olx.parse_node(node)
        except olx.OlxError as err:
            raise ValueError(f"facilitator_progress: {err}") from err
        for name, value in attributes.items():
            setattr(block, name, value)
        block.tracks = tracks
        block.transcripts = found
        return block

    def add_xml_to_node(self, node):
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        attributes = {
            name: getattr(self, name) for name in olx.ROOT_ATTRIBUTES if self.fields[name].is_set_on(self)
        }
        olx.write_node(node, attributes, self.tracks, self.transcripts)

    def validate(self):
        validation = super().validate()
        for problem in olx.check_tracks(self.tracks) + olx.check_transcripts(self.transcripts, self.tracks):
            validation.add(ValidationMessage(ValidationMessage.ERROR, problem))
        return validation

    # --- reading progress ---------------------------------------------------------------------------

    def statuses(self):
        return sources.read_statuses(self, self.tracks)

    def link(self, track):
        """Where a row's link goes: the track's href, the LMS's jump_to_id, or "" (same page)."""
        if track.get("href"):
            return track["href"]
        course = deeplinks.course_key(self)
        return deeplinks.jump_href(course, track["ref"]) if course is not None else ""

    def learner_view_data(self):
        """Everything the learner view shows (also the answer of the ``snapshot`` handler)."""
        _ = translations(self).gettext
        statuses, source = self.statuses()
        rows = progress.rows(self.tracks, statuses, _)
        links = {t["ref"]: self.link(t) for t in self.tracks}
        for row in rows:
            for part in row["parts"]:
                part["href"] = links[part["ref"]]
        step = progress.next_step(self.tracks, statuses, _)
        if step:
            step["href"] = at_second(links[step["ref"]], step["ref"], step.get("seconds"))
        overall = progress.overall(self.tracks, statuses)
        return {
            "overall_percent": round(100 * overall),
            "modules_complete": sum(
                1 for t in self.tracks if (statuses.get(t["ref"]) or progress.Status()).complete
            ),
            "modules_total": len(self.tracks),
            "course_complete": bool(self.tracks) and step is None,
            "rows": rows,
            "next": step,
            "source": source,
            "statuses": statuses,
        }

    def session_targets(self):
        """``{session: {"href", "usage_id"}}`` for opening a session from a search result."""
        statuses, _source = self.statuses()
        targets = {}
        for track in self.tracks:
            if track["kind"] == "session" and track.get("session"):
                status = statuses.get(track["ref"])
                targets[track["session"]] = {
                    "ref": track["ref"],
                    "href": self.link(track),
                    "usage_id": status.usage_id if status else "",
                }
        return targets

    # --- views --------------------------------------------------------------------------------------

    def student_view_data(self, context=None):
        """Public data for the mobile apps and the Course Blocks API: what the page tracks, in course
        order, and which sessions the transcript search covers (not the cues; search through
        ``search_url``). No learner's figures and none of the staff matrix."""
        return {
            "display_name": self.display_name,
            "module_id": self.tracking_id,
            "modules": [
                {key: track.get(key, "") for key in ("ref", "label", "kind", "session")}
                for track in self.tracks
            ],
            "transcripts": [
                {
                    "session": t.get("session", ""),
                    "title": t.get("title", ""),
                    "chapters": [[start, title] for start, title in t.get("chapters") or []],
                }
                for t in self.transcripts
            ],
            "search_url": self.runtime.handler_url(self, "search_transcripts"),
        }

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        data = self.learner_view_data()
        data.pop("statuses")
        staff_view = self.staff_view_data() if is_staff(self) else None
        prefix = "fp-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]
        ctx = {
            "prefix": prefix,
            "title": self.display_name,
            "data": data,
            "searchable": [t for t in self.transcripts if t.get("cues")],
            "staff": staff_view,
            "problems": (olx.check_tracks(self.tracks) if staff_view is not None else []),
        }
        return fragment(
            self,
            "progress.html",
            ctx,
            css=["css/progress.css"],
            js=["js/progress.js"],
            init="FacilitatorProgressInit",
            init_args={"strings": self.js_strings(), "min_query": transcripts.MIN_QUERY},
            package=PACKAGE,
        )

    def js_strings(self):
        return {
            "searching": gettext(self, "Searching…"),
            "no_results": gettext(self, "No part of the transcripts says that."),
            "result_one": gettext(self, "1 place found"),
            "results": gettext(self, "{count} places found"),
            "more": gettext(self, "Showing the first {shown} of {count}."),
            "network": gettext(self, "The server could not be reached. Try again."),
            "chapter": gettext(self, "chapter {number}"),
            "open": gettext(self, "Open {session} at {time}"),
        }

    # --- staff --------------------------------------------------------------------------------------

    def chapter_titles(self):
        return {t["session"]: [title for _start, title in t.get("chapters") or []] for t in self.transcripts}

    def staff_learners(self):
        """``(learners, source)``: every learner of the course from Open edX's completion records where
        edx-completion is installed (``"completion"``), else those who opened this page (``"snapshot"``)."""
        snapshot = self.learners or {}
        everyone = completion_store.course_learners(self, self.tracks, snapshot)
        if everyone is not None:
            return everyone, "completion"
        return snapshot, "snapshot"

    def staff_view_data(self):
        _ = translations(self).gettext
        learners, source = self.staff_learners()
        rows, total = staff.matrix(self.tracks, learners)
        cohort, drawn = staff.charts(self.tracks, learners, self.chapter_titles(), _)
        return {
            "matrix": rows,
            "learners": total,
            "shown": len(rows),
            "source": source,
            "cohort": cohort,
            "charts": drawn,
            "csv_url": self.runtime.handler_url(self, "download_csv"),
        }

    def require_staff(self):
        if not is_staff(self):
            raise Forbidden()

    @XBlock.handler
    def download_csv(self, request, suffix=""):
        """Staff only: the learner × module matrix as CSV (GET or POST)."""
        if not is_staff(self):
            return error_response(403, "You are not allowed to do this.")
        learners, _source = self.staff_learners()
        self.publish_event("edx.facilitator_progress.report_downloaded", {"learners": len(learners)})
        body = staff.matrix_csv(self.tracks, learners).encode("utf-8")
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.tracking_id)[:60] or "progress"
        return Response(
            body=body,
            content_type="text/csv",
            charset="utf-8",
            content_disposition=f'attachment; filename="{name}-progress.csv"',
        )

    @json_api
    def staff_report(self, data, suffix=""):
        """Staff only: the matrix and cohort figures as JSON."""
        self.require_staff()
        learners, source = self.staff_learners()
        rows, total = staff.matrix(self.tracks, learners)
        return {
            "modules": [{"ref": t["ref"], "label": t["label"]} for t in self.tracks],
            "learners": total,
            "source": source,
            "matrix": rows,
            "cohort": staff.cohort(self.tracks, learners),
        }

    # --- learner handlers ---------------------------------------------------------------------------

    @json_api
    def snapshot(self, data, suffix=""):
        """Record the learner's progress for the staff view; answers the learner's current figures and
        ``html``, the learner part of the view rendered again (the page swaps it in when it comes into view,
        so it reflects work done in other blocks since the page loaded)."""
        if data:
            raise BadRequest("This handler takes an empty JSON object.")
        view = self.learner_view_data()
        statuses = view.pop("statuses")
        name = username(self)
        learners = self.learners or {}
        modules = progress.snapshot(self.tracks, statuses)
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        if (name in learners or len(learners) < MAX_LEARNERS_ON_RECORD) and needs_write(
            learners.get(name), modules, now
        ):
            learners = dict(learners)
            learners[name] = {"at": now.isoformat(), "modules": modules}
            self.learners = learners
        self.publish_event(
            "edx.facilitator_progress.progress_viewed",
            {
                "overall": view["overall_percent"] / 100,
                "modules_complete": view["modules_complete"],
                "modules_total": view["modules_total"],
                "source": view["source"],
            },
        )
        view["html"] = str(render(self, "learner.html", {"data": view}, package=PACKAGE))
        return view

    @json_api
    def search_transcripts(self, data, suffix=""):
        """``{"query": str}`` -> ``{"results": [...], "total", "shown"}``; a result opens its session."""
        if "query" not in data:
            raise BadRequest('"query" is missing.')
        try:
            results, total = transcripts.search(self.transcripts, data["query"])
        except transcripts.QueryError as err:
            raise BadRequest(str(err))
        targets = self.session_targets()
        for result in results:
            target = targets.get(result["session"], {})
            result["href"] = at_second(target.get("href", ""), target.get("ref", ""), result.get("seconds"))
            result["usage_id"] = target.get("usage_id", "")
        self.publish_event(
            "edx.facilitator_progress.transcripts_searched",
            {"query_length": len(data["query"]), "results": total},
        )
        return {"results": results, "total": total, "shown": len(results)}

    @staticmethod
    def workbench_scenarios():
        return scenarios.workbench_scenarios()
