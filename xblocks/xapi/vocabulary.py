"""The xAPI words used for the course's events: plain data, importable anywhere.

Verbs and activity types are the ADL, cmi5, xAPI video profile and Tin Can registry IRIs (the ones
event-routing-backends uses for the platform's own events where one fits). Values that no registry
names (a reflection's length, a transcript query's length) go under this package's own URN.
"""

VIDEO_PROGRESS = "edx.chaptered_video.progress"
VIDEO_CHAPTER_REACHED = "edx.chaptered_video.chapter_reached"
VIDEO_CHAPTER_COMPLETED = "edx.chaptered_video.chapter_completed"
VIDEO_COMPLETED = "edx.chaptered_video.completed"
QUIZ_SUBMITTED = "edx.checkpoint_quiz.submitted"
QUIZ_PASSED = "edx.checkpoint_quiz.passed"
TOOLKIT_ITEM_CHECKED = "edx.stage_toolkit.item_checked"
TOOLKIT_REFLECTION_SAVED = "edx.stage_toolkit.reflection_saved"
TOOLKIT_RESOURCE_OPENED = "edx.stage_toolkit.resource_opened"
PROGRESS_VIEWED = "edx.facilitator_progress.progress_viewed"
PROGRESS_TRANSCRIPTS_SEARCHED = "edx.facilitator_progress.transcripts_searched"
PROGRESS_REPORT_DOWNLOADED = "edx.facilitator_progress.report_downloaded"

#: Every custom event type the blocks publish (the README's events table; ``grade`` and ``completion``
#: are the platform's own and event-routing-backends already transforms them).
EVENT_TYPES = (
    VIDEO_PROGRESS,
    VIDEO_CHAPTER_REACHED,
    VIDEO_CHAPTER_COMPLETED,
    VIDEO_COMPLETED,
    QUIZ_SUBMITTED,
    QUIZ_PASSED,
    TOOLKIT_ITEM_CHECKED,
    TOOLKIT_REFLECTION_SAVED,
    TOOLKIT_RESOURCE_OPENED,
    PROGRESS_VIEWED,
    PROGRESS_TRANSCRIPTS_SEARCHED,
    PROGRESS_REPORT_DOWNLOADED,
)

# Verbs: (IRI, display)
PLAYED = ("https://w3id.org/xapi/video/verbs/played", "played")
PAUSED = ("https://w3id.org/xapi/video/verbs/paused", "paused")
SEEKED = ("https://w3id.org/xapi/video/verbs/seeked", "seeked")
TERMINATED = ("http://adlnet.gov/expapi/verbs/terminated", "terminated")
COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "completed")
EXPERIENCED = ("http://adlnet.gov/expapi/verbs/experienced", "experienced")
ANSWERED = ("http://adlnet.gov/expapi/verbs/answered", "answered")
PASSED = ("http://adlnet.gov/expapi/verbs/passed", "passed")
FAILED = ("http://adlnet.gov/expapi/verbs/failed", "failed")
INTERACTED = ("http://adlnet.gov/expapi/verbs/interacted", "interacted")
VIEWED = ("http://id.tincanapi.com/verb/viewed", "viewed")
DOWNLOADED = ("http://id.tincanapi.com/verb/downloaded", "downloaded")

#: The video report's reason (``edx.chaptered_video.progress`` ``reason``) -> the xAPI video profile's verb.
#: "progress" (the periodic report while playing) has none: the profile reports progress on these moments,
#: so the next pause, seek or leave carries it.
VIDEO_MOMENT_VERBS = {
    "play": PLAYED,
    "pause": PAUSED,
    "seek": SEEKED,
    "leave": TERMINATED,
}

# Activity types
VIDEO = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_PROFILE = "https://w3id.org/xapi/video"
PROFILE = "http://adlnet.gov/expapi/activities/profile"
CHAPTER = "http://id.tincanapi.com/activitytype/chapter"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
CHECKLIST = "http://id.tincanapi.com/activitytype/checklist"
CHECKLIST_ITEM = "http://id.tincanapi.com/activitytype/checklist-item"
QUESTION = "http://adlnet.gov/expapi/activities/question"
LINK = "http://adlnet.gov/expapi/activities/link"
RESOURCE = "http://id.tincanapi.com/activitytype/resource"
PAGE = "http://activitystrea.ms/schema/1.0/page"
FILE = "http://activitystrea.ms/schema/1.0/file"

# Extensions
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_TIME_FROM = "https://w3id.org/xapi/video/extensions/time-from"
VIDEO_TIME_TO = "https://w3id.org/xapi/video/extensions/time-to"
VIDEO_PROGRESS_PERCENT = "https://w3id.org/xapi/video/extensions/progress"
VIDEO_PLAYED_SEGMENTS = "https://w3id.org/xapi/video/extensions/played-segments"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
VIDEO_SESSION_ID = "https://w3id.org/xapi/video/extensions/session-id"
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
POSITION = "http://id.tincanapi.com/extension/position"
TOTAL_ITEMS = "https://w3id.org/xapi/acrossx/extensions/total-items"
ATTEMPT = "http://id.tincanapi.com/extension/attempt-id"
OWN = "urn:facilitator-course:xapi:extension:"
ADDED_SECONDS = OWN + "added-seconds"
DROPPED_SECONDS = OWN + "dropped-seconds"
ATTEMPTS_LEFT = OWN + "attempts-left"
QUESTIONS = OWN + "questions"
STAGE = OWN + "stage"
ITEMS_CHECKED = OWN + "items-checked"
TEXT_LENGTH = OWN + "text-length"
QUERY_LENGTH = OWN + "query-length"
RESULTS = OWN + "results"
LEARNERS = OWN + "learners"
PROGRESS_SOURCE = OWN + "progress-source"
