"""The checkpoint_quiz XBlock: fields, views and the ``submit`` handler over the plain quiz modules.

Questions live as YAML text (``questions_source``); ``questions.py`` reads them, ``scoring.py`` checks
and scores answers, ``shuffle.py`` orders them per learner, ``reveal.py`` decides what the browser may
see, ``stats.py`` keeps the staff summary and report, ``olx.py`` reads and writes the OLX form.
"""

import hashlib

from lxml import etree
from xblock.core import XBlock
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from xblocks.checkpoint_quiz import olx, reveal, stats
from xblocks.checkpoint_quiz.fields import LEARNER_STATE_FIELDS, FrozenDict, QuizFieldsMixin
from xblocks.checkpoint_quiz.questions import check_settings, questions_from_yaml, questions_to_yaml
from xblocks.checkpoint_quiz.scenarios import SCENARIOS
from xblocks.checkpoint_quiz.scoring import (
    AnswerError,
    attempts_left,
    can_submit,
    check_answers,
    is_passed,
    kept_score,
    score_quiz,
)
from xblocks.checkpoint_quiz.shuffle import learner_order
from xblocks.common.events import TrackedModuleMixin
from xblocks.common.handlers import BadRequest, json_api
from xblocks.common.rendering import fragment, gettext, translations
from xblocks.common.users import is_staff

PACKAGE = "xblocks.checkpoint_quiz"
EVENT_SUBMITTED = "edx.checkpoint_quiz.submitted"
EVENT_PASSED = "edx.checkpoint_quiz.passed"


def _untranslated(text):
    return text


def _js_strings(_):
    """Every string the browser shows, translated on the server (placeholders in braces)."""
    return {
        "score": _("Your score: {score}%"),
        "attempt_score": _("This attempt: {score}%"),
        "passed": _("You passed."),
        "not_passed": _("Not passed yet: {pass}% is needed."),
        "attempts": _("Attempts used: {used} of {max}."),
        "attempts_unlimited": _("Attempts used: {used}."),
        "no_attempts": _("No attempts left: your score is kept."),
        "right": _("Right."),
        "wrong": _("Not right."),
        "partial": _("Partly right ({credit}% of the points)."),
        "answer_label": _("Correct answer: {answer}"),
        "explanation_label": _("Explanation: {text}"),
        "source_label": _("Source: {text}"),
        "unanswered": _("Please answer this question."),
        "error": _("Could not submit: {error}"),
        "network": _("Could not reach the server; your answers were not submitted. Try again."),
        "submitting": _("Submitting…"),
    }


@XBlock.needs("i18n")
@XBlock.wants("user")
class CheckpointQuizBlock(QuizFieldsMixin, TrackedModuleMixin, StudioEditableXBlockMixin, XBlock):
    """A graded checkpoint quiz: single, multiple and true/false questions; answers stay on the server."""

    has_score = True
    icon_class = "problem"
    editable_fields = (
        "display_name",
        "questions_source",
        "pass_ratio",
        "max_attempts",
        "weight",
        "shuffle",
        "shuffle_questions",
        "show_answers",
        "scoring",
        "module_id",
    )

    # --- content -----------------------------------------------------------------------------

    @property
    def questions(self):
        """The quiz's questions (tuple of ``questions.Question``)."""
        return questions_from_yaml(self.questions_source)[0]

    def content_problems(self, data=None):
        """Authoring problems of ``data`` (this block, or Studio's proposed values)."""
        data = data or self
        problems = list(questions_from_yaml(data.questions_source)[1])
        problems += check_settings(data.pass_ratio, data.max_attempts, data.weight)
        if data.show_answers not in olx.SHOW_ANSWERS:
            problems.append(f"show_answers must be one of {', '.join(olx.SHOW_ANSWERS)}.")
        if data.scoring not in olx.SCORING:
            problems.append(f"scoring must be one of {', '.join(olx.SCORING)}.")
        return problems

    def max_score(self):
        return self.weight

    def validate_field_data(self, validation, data):
        for problem in self.content_problems(data):
            validation.add(ValidationMessage(ValidationMessage.ERROR, problem))

    # --- learner state -----------------------------------------------------------------------

    def _reload_learner_state(self):
        """Forget cached learner fields so the next reads come from the store.

        XBlock caches a field on first read; a block instance that read its state earlier (another tab's
        request in flight, a long view) would otherwise decide on stale attempts. Only fields without
        unsaved changes are dropped.
        """
        for name in (*LEARNER_STATE_FIELDS, "summary"):
            field = self.fields[name]
            if field in self._dirty_fields and field._is_dirty(self):
                continue
            self._dirty_fields.pop(field, None)
            field._del_cached_value(self)

    def _visible(self):
        return reveal.answers_visible(self.show_answers, self.passed, self.attempts_used, self.max_attempts)

    def _status(self, visible):
        return reveal.status_view(
            attempts_used=self.attempts_used,
            max_attempts=self.max_attempts,
            kept_score=self.kept_score,
            last_score=self.last_score,
            passed=self.passed,
            visible=visible,
            pass_ratio=self.pass_ratio,
        )

    def _learner_key(self):
        return str(self.scope_ids.user_id)

    def _results(self, visible):
        return reveal.results_view(self.questions, self.last_results, visible, translations(self).gettext)

    def progress_summary(self):
        """The current learner's quiz state for the progress block (plain JSON-able)."""
        return {
            "completion": self.completion_published,
            "score": self.kept_score if self.kept_score is not None else 0.0,
            "passed": bool(self.passed),
            "attempts_used": self.attempts_used,
            "attempts_left": attempts_left(self.max_attempts, self.attempts_used),
        }

    # --- views -------------------------------------------------------------------------------

    def student_view(self, context=None):
        _ = translations(self).gettext
        problems = self.content_problems()
        staff = is_staff(self)
        visible = self._visible()
        ordered = learner_order(
            self.questions,
            self._learner_key(),
            self.tracking_id,
            shuffle_choices=self.shuffle,
            shuffle_questions=self.shuffle_questions,
        )
        ctx = {
            "title": self.display_name,
            "prefix": "cq-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10],
            "questions": reveal.questions_view(ordered, _) if not problems else [],
            "problems": problems if staff else [],
            "broken": bool(problems),
            "status": self._status(visible),
            "pass_percent": round(self.pass_ratio * 100),
            "staff": stats.staff_view(self.summary, self.questions, _) if staff and not problems else None,
        }
        # Author text (feedback, explanations) goes in an escaped data attribute, never in the init JSON:
        # the runtime writes init args into a <script> with plain json.dumps ("</script>" would break out).
        ctx["results"] = self._results(visible) if (self.attempts_used or visible) and not problems else {}
        init = {"status": ctx["status"], "strings": _js_strings(_)}
        return fragment(
            self,
            "checkpoint_quiz.html",
            ctx,
            css=["css/checkpoint_quiz.css"],
            js=["js/checkpoint_quiz.js"],
            init="CheckpointQuizInit",
            init_args=init,
            package=PACKAGE,
        )

    # --- handlers ----------------------------------------------------------------------------

    @json_api
    def submit(self, data, suffix=""):
        """Score one attempt. Body ``{"answers": {"<question id>": ["<choice id>", ...]}}``.

        Fields are read once into locals: each XBlock field read costs more than scoring a question.
        """
        questions, problems = questions_from_yaml(self.questions_source)
        max_attempts, pass_ratio, weight = self.max_attempts, self.pass_ratio, self.weight
        if problems or check_settings(pass_ratio, max_attempts, weight):
            raise BadRequest(
                gettext(self, "This quiz is not ready yet: its questions have problems."), status=409
            )
        if len(data) != 1 or "answers" not in data:
            unexpected = sorted(set(data) - {"answers"})
            if unexpected:
                raise BadRequest(f'Unexpected field "{unexpected[0][:50]}": send only "answers".')
            raise BadRequest('"answers" is missing: send {"answers": {"<question id>": ["<choice id>"]}}.')
        try:
            checked = check_answers(questions, data["answers"])
        except AnswerError as err:
            if err.unanswered:
                raise BadRequest(err.message, unanswered=err.unanswered) from None
            raise BadRequest(err.message) from None

        # Check-then-increment on the stored value, saved at once: a second tab's request re-reads it.
        self._reload_learner_state()
        used = self.attempts_used
        if not can_submit(max_attempts, used):
            raise BadRequest(
                gettext(self, "You have used all {max} attempts; your score is kept.").format(
                    max=max_attempts
                ),
                status=409,
            )
        before = (
            {"kept": self.kept_score, "passed": self.passed, "questions": self.last_results} if used else None
        )
        used += 1
        self.attempts_used = used
        self.save()

        result = score_quiz(questions, checked)
        score = round(result.score, 6)
        previous_kept = before["kept"] if before else None
        kept = kept_score(self.scoring, previous_kept, score)
        passed = is_passed(kept, pass_ratio)
        results = FrozenDict(
            (qid, {"correct": r.correct, "credit": round(r.credit, 6), "chosen": list(r.chosen)})
            for qid, r in result.questions.items()
        )
        self.last_score, self.kept_score, self.passed, self.last_results = score, kept, passed, results
        after = {"kept": kept, "passed": passed, "questions": results}
        self.summary = FrozenDict(stats.update_summary(self.summary, before, after))

        left = attempts_left(max_attempts, used)
        if previous_kept is None or kept != previous_kept:
            self.runtime.publish(self, "grade", {"value": kept * weight, "max_value": weight})
        self.publish_event(
            EVENT_SUBMITTED,
            {
                "attempt": used,
                "earned": result.earned,
                "possible": result.possible,
                "score": score,
                "passed": is_passed(score, pass_ratio),
                "kept_score": kept,
                "attempts_left": left,
                "questions": {
                    qid: {"correct": r["correct"], "chosen": r["chosen"]} for qid, r in results.items()
                },
            },
        )
        if passed and not (before and before["passed"]):
            self.publish_event(EVENT_PASSED, {"score": kept, "attempt": used})
        if passed or left == 0:
            self.raise_completion(1.0)

        visible = reveal.answers_visible(self.show_answers, passed, used, max_attempts)
        return {
            "attempt": used,
            "attempt_score": score,
            "attempt_passed": is_passed(score, pass_ratio),
            "status": reveal.status_view(
                attempts_used=used,
                max_attempts=max_attempts,
                kept_score=kept,
                last_score=score,
                passed=passed,
                visible=visible,
                pass_ratio=pass_ratio,
            ),
            "results": reveal.results_view(
                questions, results, visible, translations(self).gettext if visible else _untranslated
            ),
        }

    # --- reports -----------------------------------------------------------------------------

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """One row per learner who attempted: score, passed, attempts, each question's choices and result."""
        yield from stats.report_rows(user_state_iterator, self.questions, limit_responses)

    # --- OLX ---------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        settings, questions, _problems = olx.parse_quiz(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in settings.items():
            setattr(block, name, value)
        kept = olx.yaml_source_of(node)  # questions exported verbatim because they did not parse
        block.questions_source = (
            kept if kept is not None else (questions_to_yaml(questions) if questions else "")
        )
        return block

    def add_xml_to_node(self, node):
        settings = {name: getattr(self, name) for name in olx.SETTINGS}
        questions, problems = questions_from_yaml(self.questions_source)
        unreadable = bool(self.questions_source.strip()) and not questions and problems
        olx.write_quiz(node, settings, questions, broken_source=self.questions_source if unreadable else None)
        node.set("xblock-family", self.entry_point)

    def olx_string(self):
        """This block as OLX text (for tools and tests)."""
        node = etree.Element("checkpoint_quiz")
        self.add_xml_to_node(node)
        return etree.tostring(node, pretty_print=True, encoding="unicode")

    # --- workbench ---------------------------------------------------------------------------

    @staticmethod
    def workbench_scenarios():
        return list(SCENARIOS)
