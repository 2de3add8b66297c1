"""The checkpoint quiz's fields: authoring settings, questions (YAML text), learner state, class summary."""

import functools

from xblock.fields import Boolean, Float, Integer, Scope, String

from xblocks.checkpoint_quiz.olx import SCORING, SETTINGS, SHOW_ANSWERS
from xblocks.common.events import TrackedModuleMixin

SAMPLE_QUESTIONS = """\
- id: industry-driven
  kind: single
  prompt: Who takes the lead role in an effective sector partnership?
  choices:
    - id: a
      text: Industry
      correct: true
      feedback: "Yes: industry identifies the needs and leads."
    - id: b
      text: Community colleges
      feedback: Education partners play a supportive role.
"""


_PLAIN = String()


@functools.lru_cache(maxsize=256)
def _cleaned(text):
    """``text`` without the control characters XML forbids (String's own cleaning), cached by text."""
    return _PLAIN._sanitize(text)


class CleanText(String):
    """A String cleaned once when stored or loaded, not again on every read.

    ``String`` re-scans its whole value for control characters on each read; for the questions (several
    KB, read on every request) that scan cost more than scoring a 20-question attempt. The cleaning is
    the same; loading the same text again (content and settings only) reuses the cleaned text.
    """

    def _sanitize(self, value):  # XBlock calls this on every read of the cached value
        return value

    def from_json(self, value):
        value = super().from_json(value)
        return _cleaned(value) if isinstance(value, str) else value

    def __set__(self, xblock, value):
        super().__set__(xblock, _cleaned(value) if isinstance(value, str) else value)


class JsonText(String):
    """A String holding JSON text the block writes itself (``record.dump``, ``stats.dump_summary``).

    orjson writes control characters escaped and the ids inside passed the id rule (ASCII letters,
    digits and ``_ . : -``), so String's control-character scan (twice per write, once per read) has
    nothing to remove; a value loaded from the store is still cleaned once, as String does.
    """

    def _sanitize(self, value):
        return value

    def from_json(self, value):
        value = super().from_json(value)
        return _PLAIN._sanitize(value) if isinstance(value, str) else value


def _default(name):
    return SETTINGS[name][1]


class QuizFieldsMixin:
    """Fields grouped as authoring settings, content, learner state, and the shared summary."""

    # --- authoring (settings) ---
    display_name = String(
        display_name="Display name",
        default=_default("display_name"),
        scope=Scope.settings,
        help="The title learners see above the quiz.",
    )
    pass_ratio = Float(
        display_name="Pass ratio",
        default=_default("pass_ratio"),
        scope=Scope.settings,
        help="Share of the points needed to pass, from 0 to 1 (0.8 = 80%).",
    )
    max_attempts = Integer(
        display_name="Maximum attempts",
        default=_default("max_attempts"),
        scope=Scope.settings,
        help="How many times a learner may submit; 0 means unlimited.",
    )
    weight = Float(
        display_name="Problem weight",
        default=_default("weight"),
        scope=Scope.settings,
        help="Points this quiz is worth in the course grade (the kept score is scaled to it).",
    )
    shuffle = Boolean(
        display_name="Shuffle choices",
        default=_default("shuffle"),
        scope=Scope.settings,
        help="Show the choices of each question in an order of each learner's own (stable across reloads).",
    )
    shuffle_questions = Boolean(
        display_name="Shuffle questions",
        default=_default("shuffle_questions"),
        scope=Scope.settings,
        help="Also show the questions in a per-learner order.",
    )
    show_answers = CleanText(
        display_name="Show answers",
        default=_default("show_answers"),
        values=[{"display_name": v.replace("_", " "), "value": v} for v in SHOW_ANSWERS],
        scope=Scope.settings,
        help="When correct answers and explanations are shown: always, after the learner passes or uses "
        "the last attempt, or never.",
    )
    scoring = CleanText(
        display_name="Score that counts",
        default=_default("scoring"),
        values=[{"display_name": v, "value": v} for v in SCORING],
        scope=Scope.settings,
        help="best: the best attempt counts; last: the latest attempt counts.",
    )

    # The shared mixin's module_id, same name, scope, default and help, as a CleanText: it is read for
    # every tracking event, and String's per-read scan made that read cost as much as the event itself.
    module_id = CleanText(
        display_name=TrackedModuleMixin.module_id.display_name,
        default=TrackedModuleMixin.module_id.default,
        scope=TrackedModuleMixin.module_id.scope,
        help=TrackedModuleMixin.module_id.help,
    )

    # --- content ---
    questions_source = CleanText(
        display_name="Questions (YAML)",
        default=SAMPLE_QUESTIONS,
        scope=Scope.content,
        multiline_editor=True,
        help="The questions as YAML: a list of {id, kind (single, multiple, true_false), prompt, choices: "
        "[{id, text, correct, feedback}], answer (true_false), weight, partial_credit, explanation, source}.",
    )

    # --- learner state (one field: see record.py) ---
    record = JsonText(
        default="",
        scope=Scope.user_state,
        help="This learner's attempts, scores and latest answers as one JSON text (see record.py): "
        '{"attempts", "kept", "last", "passed", "results": {qid: [correct, credit, [choice ids]]}, '
        '"layout", "counted"} (the last two: where the latest attempt is counted in the class summary).',
    )

    # --- shared across learners ---
    class_summary = JsonText(
        default="",
        scope=Scope.user_state_summary,
        help="Class counters for the staff view as one JSON text (see stats.py): learners, passes, score "
        "sum, attempts, and per question right answers and picks per choice (each learner counted once, "
        "by the latest attempt).",
    )
