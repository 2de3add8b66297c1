"""The checkpoint quiz's fields: authoring settings, questions (YAML text), learner state, class summary."""

from xblock.fields import Boolean, Dict, Float, Integer, Scope, String

from xblocks.checkpoint_quiz.olx import SCORING, SETTINGS, SHOW_ANSWERS

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


class LongText(String):
    """A String for long text that is cleaned once when stored or loaded, not again on every read.

    ``String`` re-scans its whole value for control characters on each read; for the questions (several
    KB, read on every request) that scan cost more than scoring a 20-question attempt.
    """

    def _sanitize(self, value):  # XBlock calls this on every read of the cached value
        return value

    def from_json(self, value):
        return String._sanitize(self, super().from_json(value))

    def __set__(self, xblock, value):
        super().__set__(xblock, String._sanitize(self, value))


class FrozenDict(dict):
    """A dict that refuses in-place changes, so it can be shared instead of deep-copied."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("this value is frozen: build a new dict and assign it to the field")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


class ReplacedDict(Dict):
    """A Dict field the block only ever replaces (with a new dict), never changes in place.

    XBlock deep-copies every mutable field on first read and again after each save to notice in-place
    changes; for the per-question results and the class summary that copying cost more than the rest of
    a submit. Values are kept as ``FrozenDict`` (top level refuses changes; nested values are never
    changed by this block), so the copies become free. Assign ``FrozenDict`` values. The stored JSON is a
    plain object.
    """

    MUTABLE = False

    def from_json(self, value):
        value = super().from_json(value)
        return value if isinstance(value, FrozenDict) else FrozenDict(value or {})


# Learner-state fields a submit re-reads from the store before deciding (see block._reload_learner_state).
LEARNER_STATE_FIELDS = ("attempts_used", "kept_score", "last_score", "passed", "last_results")


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
    show_answers = String(
        display_name="Show answers",
        default=_default("show_answers"),
        values=[{"display_name": v.replace("_", " "), "value": v} for v in SHOW_ANSWERS],
        scope=Scope.settings,
        help="When correct answers and explanations are shown: always, after the learner passes or uses "
        "the last attempt, or never.",
    )
    scoring = String(
        display_name="Score that counts",
        default=_default("scoring"),
        values=[{"display_name": v, "value": v} for v in SCORING],
        scope=Scope.settings,
        help="best: the best attempt counts; last: the latest attempt counts.",
    )

    # --- content ---
    questions_source = LongText(
        display_name="Questions (YAML)",
        default=SAMPLE_QUESTIONS,
        scope=Scope.content,
        multiline_editor=True,
        help="The questions as YAML: a list of {id, kind (single, multiple, true_false), prompt, choices: "
        "[{id, text, correct, feedback}], answer (true_false), weight, partial_credit, explanation, source}.",
    )

    # --- learner state ---
    attempts_used = Integer(default=0, scope=Scope.user_state, help="Attempts this learner has submitted.")
    kept_score = Float(
        default=None, scope=Scope.user_state, help="The score that counts (0..1): best or last, per scoring."
    )
    last_score = Float(default=None, scope=Scope.user_state, help="The score (0..1) of the latest attempt.")
    passed = Boolean(default=False, scope=Scope.user_state, help="Whether the kept score reaches pass_ratio.")
    last_results = ReplacedDict(
        default=FrozenDict(),
        scope=Scope.user_state,
        help="The latest attempt per question: {qid: {correct, credit, chosen: [choice ids]}}.",
    )

    # --- shared across learners ---
    summary = ReplacedDict(
        default=FrozenDict(),
        scope=Scope.user_state_summary,
        help="Class counters for the staff view: learners, passes, score sum, attempts, and per question "
        "right answers and picks per choice (each learner counted once, by the latest attempt).",
    )
