"""The checkpoint_quiz XBlock: fields, views and the ``submit`` handler over the plain quiz modules.

Questions live as YAML text (``questions_source``); ``questions.py`` reads them, ``scoring.py`` holds
the checking and scoring rules, ``answer_key.py`` compiles them once per content for the submit,
``record.py`` is the learner's stored record, ``shuffle.py`` orders questions per learner, ``reveal.py``
decides what the browser may see, ``stats.py`` keeps the staff summary and report, ``olx.py`` reads and
writes the OLX form.
"""

import functools
import hashlib

import orjson
from lxml import etree
from xblock.core import XBlock
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from xblocks.checkpoint_quiz import olx, record, reveal, stats
from xblocks.checkpoint_quiz.answer_key import compile_quiz
from xblocks.checkpoint_quiz.fields import QuizFieldsMixin
from xblocks.checkpoint_quiz.questions import check_settings, questions_from_yaml, questions_to_yaml
from xblocks.checkpoint_quiz.scenarios import SCENARIOS
from xblocks.checkpoint_quiz.scoring import AnswerError, attempts_left, can_submit, is_passed, kept_score
from xblocks.checkpoint_quiz.shuffle import learner_order
from xblocks.common.events import TrackedModuleMixin
from xblocks.common.handlers import BadRequest, json_api
from xblocks.common.rendering import fragment, gettext, translations
from xblocks.common.users import is_staff

PACKAGE = "xblocks.checkpoint_quiz"
EVENT_SUBMITTED = "edx.checkpoint_quiz.submitted"
EVENT_PASSED = "edx.checkpoint_quiz.passed"


@functools.lru_cache(maxsize=64)
def _settings_ok(*typed_values):
    """True when the quiz-wide numbers pass ``check_settings`` (cached: each value with its type)."""
    return not check_settings(*typed_values[1::2])


def settings_ok(pass_ratio, max_attempts, weight):
    """``not check_settings(...)``, cached by the values and their types (``True`` is not ``1``)."""
    return _settings_ok(type(pass_ratio), pass_ratio, type(max_attempts), max_attempts, type(weight), weight)


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
        "closed": _("You passed and the answers are shown, so the quiz is closed: your score is kept."),
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
        """The quiz's questions (``questions.QuestionSet``)."""
        return compile_quiz(self.questions_source).questions

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

    def learner_record(self):
        """This learner's ``record.Record`` (attempts, scores, latest answers)."""
        return record.load(self.record)

    def _stored(self, *names):
        """The values of fields ``names`` as stored right now (None for one never stored).

        Read from the field data, not from this instance's copies: another tab's request may have saved
        since this instance first read them (the check-then-write in ``submit`` must see that).
        """
        field_data = self._field_data
        values = []
        for name in names:
            try:
                values.append(field_data.get(self, name))
            except KeyError:
                values.append(None)
        return values

    def _status(self, rec, visible):
        return reveal.status_view(
            attempts_used=rec.attempts,
            max_attempts=self.max_attempts,
            kept_score=rec.kept,
            last_score=rec.last,
            passed=rec.passed,
            visible=visible,
            pass_ratio=self.pass_ratio,
            show_answers=self.show_answers,
        )

    def _learner_key(self):
        return str(self.scope_ids.user_id)

    def progress_summary(self):
        """The current learner's quiz state for the progress block (plain JSON-able)."""
        rec = self.learner_record()
        return {
            "completion": self.completion_published,
            "score": rec.kept if rec.kept is not None else 0.0,
            "passed": rec.passed,
            "attempts_used": rec.attempts,
            "attempts_left": attempts_left(self.max_attempts, rec.attempts),
        }

    # --- views -------------------------------------------------------------------------------

    def student_view_data(self, context=None):
        """Public data for the mobile apps and the Course Blocks API (``reveal.public_data``): the form
        in this learner's order, never an answer before the answer-leak rule allows it."""
        _ = translations(self).gettext
        rec = self.learner_record()
        visible = reveal.answers_visible(self.show_answers, rec.passed, rec.attempts, self.max_attempts)
        problems = self.content_problems()
        ordered = [] if problems else self._ordered()
        data = reveal.public_data(
            title=self.display_name,
            module_id=self.tracking_id,
            ordered=ordered,
            record=rec,
            status=self._status(rec, visible),
            visible=visible and not problems,
            gettext=_,
            settings={
                "pass_ratio": self.pass_ratio,
                "max_attempts": self.max_attempts,
                "weight": self.weight,
            },
        )
        data["available"] = not problems
        data["submit_url"] = self.runtime.handler_url(self, "submit") if not problems else ""
        return data

    def _ordered(self):
        """The questions and choices in this learner's order (``shuffle.learner_order``)."""
        return learner_order(
            self.questions,
            self._learner_key(),
            self.tracking_id,
            shuffle_choices=self.shuffle,
            shuffle_questions=self.shuffle_questions,
        )

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        _ = translations(self).gettext
        problems = self.content_problems()
        staff = is_staff(self)
        rec = self.learner_record()
        visible = reveal.answers_visible(self.show_answers, rec.passed, rec.attempts, self.max_attempts)
        ordered = self._ordered()
        ctx = {
            "title": self.display_name,
            "prefix": "cq-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10],
            "questions": reveal.questions_view(ordered, _) if not problems else [],
            "problems": problems if staff else [],
            "broken": bool(problems),
            "status": self._status(rec, visible),
            "pass_percent": round(self.pass_ratio * 100),
            "staff": (
                stats.staff_view(stats.load_summary(self.class_summary), self.questions, _)
                if staff and not problems
                else None
            ),
        }
        # Author text (feedback, explanations) goes in an escaped data attribute, never in the init JSON:
        # the runtime writes init args into a <script> with plain json.dumps ("</script>" would break out).
        ctx["results"] = (
            reveal.results_view(self.questions, rec, visible, _)
            if (rec.attempts or visible) and not problems
            else {}
        )
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

        Checks everything first (nothing is stored for bad input), then reads the stored record, checks
        the attempts left and writes the new record and the class summary at once.
        """
        key = compile_quiz(self.questions_source)
        max_attempts, pass_ratio, weight = self.max_attempts, self.pass_ratio, self.weight
        show_answers = self.show_answers
        if key.problems or not settings_ok(pass_ratio, max_attempts, weight):
            raise BadRequest(
                gettext(self, "This quiz is not ready yet: its questions have problems."), status=409
            )
        if len(data) != 1 or "answers" not in data:
            unexpected = sorted(set(data) - {"answers"})
            if unexpected:
                raise BadRequest(f'Unexpected field "{unexpected[0][:50]}": send only "answers".')
            raise BadRequest('"answers" is missing: send {"answers": {"<question id>": ["<choice id>"]}}.')
        try:
            marked = key.mark(data["answers"])
        except AnswerError as err:
            if err.unanswered:
                raise BadRequest(
                    self._unanswered_message(err.unanswered), unanswered=err.unanswered
                ) from None
            raise BadRequest(err.message) from None

        # Check-then-write on the stored record (not this instance's copy), saved at once: a request
        # from another tab reads what this one wrote, so attempts can never exceed max_attempts.
        stored_record, stored_summary = self._stored("record", "class_summary")
        before = record.load(stored_record)
        used = before.attempts
        if not can_submit(max_attempts, used):
            raise BadRequest(
                gettext(self, "You have used all {max} attempts; your score is kept.").format(
                    max=max_attempts
                ),
                status=409,
            )
        if reveal.closed_after_pass(show_answers, before.passed):
            raise BadRequest(
                gettext(
                    self, "You passed and the answers are shown, so the quiz is closed: your score is kept."
                ),
                status=409,
            )
        previous = before if used else None
        used += 1
        score = round(marked.score, 6)
        previous_kept = before.kept if previous else None
        kept = kept_score(self.scoring, previous_kept, score)
        passed = is_passed(kept, pass_ratio)
        after = record.Record(
            attempts=used,
            kept=kept,
            last=score,
            passed=passed,
            results=marked.results,
            layout=key.layout.fingerprint,
            counted=marked.counted,
        )
        self.record = record.dump(after)
        self.class_summary = stats.count_attempt(stored_summary, previous, after, key.layout)
        self.force_save_fields(["record", "class_summary"])

        left = attempts_left(max_attempts, used)
        attempt_passed = is_passed(score, pass_ratio)
        if previous_kept is None or kept != previous_kept:
            self.runtime.publish(self, "grade", {"value": kept * weight, "max_value": weight})
        self.publish_event(
            EVENT_SUBMITTED,
            {
                "attempt": used,
                "earned": marked.earned,
                "possible": marked.possible,
                "score": score,
                "passed": attempt_passed,
                "kept_score": kept,
                "attempts_left": left,
                "questions": marked.events,
            },
        )
        if passed and not before.passed:
            self.publish_event(EVENT_PASSED, {"score": kept, "attempt": used})
        if passed or left == 0:
            self.raise_completion(1.0)

        visible = reveal.answers_visible(show_answers, passed, used, max_attempts)
        answer = {
            "attempt": used,
            "attempt_score": score,
            "attempt_passed": attempt_passed,
            "status": reveal.status_view(
                attempts_used=used,
                max_attempts=max_attempts,
                kept_score=kept,
                last_score=score,
                passed=passed,
                visible=visible,
                pass_ratio=pass_ratio,
                show_answers=show_answers,
            ),
        }
        if not visible:  # the common case: the results are prepared JSON parts (see answer_key)
            return orjson.dumps(answer)[:-1] + b',"results":' + marked.shown_json() + b"}"
        answer["results"] = reveal.attempt_results(
            key.questions, marked.outcomes, visible, translations(self).gettext
        )
        return answer

    def _unanswered_message(self, unanswered):
        """The learner's message for unanswered questions, numbered as this learner's page shows them."""
        ordered = learner_order(
            self.questions, self._learner_key(), self.tracking_id, False, self.shuffle_questions
        )
        position = {question.id: number for number, (question, _choices) in enumerate(ordered, 1)}
        numbers = sorted(position[qid] for qid in unanswered if qid in position)
        return (
            translations(self)
            .ngettext(
                "Answer every question before submitting: question {numbers} is unanswered.",
                "Answer every question before submitting: questions {numbers} are unanswered.",
                len(numbers),
            )
            .format(numbers=", ".join(str(n) for n in numbers))
        )

    @property
    def tracking_id(self):
        """``module_id`` when set, else the last part of the usage id (the shared rule, one field read)."""
        module_id = self.module_id
        return module_id or str(self.scope_ids.usage_id).rsplit("@", 1)[-1]

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
