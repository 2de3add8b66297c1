"""The chaptered video's fields: authoring (settings/content), learner state, cross-learner counters."""

from xblock.fields import Dict, Float, List, Scope, String

from xblocks.chaptered_video.olx import DEFAULT_THRESHOLD


class VideoFields:
    """Fields of ChapteredVideoBlock, grouped: authoring first, then learner state, then counters."""

    display_name = String(
        display_name="Title",
        default="Chaptered video",
        scope=Scope.settings,
        help="Title shown to learners above the player.",
    )
    duration = String(
        display_name="Duration",
        default="",
        scope=Scope.settings,
        help="Length of the recording as H:MM:SS (e.g. 1:30:52), MM:SS or seconds. "
        "The last chapter ends here; coverage is measured against it.",
    )
    completion_threshold = Float(
        display_name="Chapter completion threshold",
        default=DEFAULT_THRESHOLD,
        scope=Scope.settings,
        help="Share of a chapter (above 0, at most 1) a learner must really play for it to count as "
        "watched. The video is complete once every chapter is.",
    )
    sources = List(
        display_name="Video sources",
        default=[],
        scope=Scope.content,
        help='The recording in one or more formats, as a JSON list: [{"src": "/static/session-2.mp4", '
        '"type": "video/mp4"}, {"src": "/static/session-2.webm", "type": "video/webm"}].',
    )
    tracks = List(
        display_name="Caption tracks",
        default=[],
        scope=Scope.content,
        help='Captions, one per language, as a JSON list: [{"kind": "captions", "src": '
        '"/static/session-2.en.vtt", "srclang": "en", "label": "English"}]. WebVTT files; '
        "SRT cues given inline in OLX are converted.",
    )
    poster = String(
        display_name="Poster image",
        default="",
        scope=Scope.content,
        help="Optional image shown before the video plays (e.g. /static/session-2.jpg).",
    )
    chapters = String(
        display_name="Chapters",
        default="",
        scope=Scope.content,
        multiline_editor=True,
        help='One chapter a line: "H:MM:SS Title" (e.g. "0:11:40 Building your regional support team"). '
        "Indented lines under a chapter are its summary. Times must increase; each chapter lasts at "
        "least 10 seconds and ends where the next begins.",
    )

    # --- learner state ---
    watched = String(
        default="",
        scope=Scope.user_state,
        help="Seconds really played: a per-second bitmap, base64 (about 900 characters for 90 minutes).",
    )
    position = Float(
        default=0.0,
        scope=Scope.user_state,
        help="Where the learner last was (seconds); the player resumes here.",
    )
    last_report_at = Float(
        default=0.0,
        scope=Scope.user_state,
        help="Server time (Unix seconds) of the last accepted progress report, or of the last time the "
        "learner opened the video if later: the next report may add at most twice the time since, plus "
        "a small allowance.",
    )

    # --- across learners ---
    reach = Dict(
        default={},
        scope=Scope.user_state_summary,
        help='Counters for the staff view: {"learners": started, "reached": [per chapter], '
        '"completed": [per chapter]}.',
    )
