"""The chapter rules shared by the video block, the media manifest and the course build.

A chapter starts at ``start`` seconds and ends where the next begins; the last ends at the duration.
"""

from dataclasses import dataclass, field

from xblocks.common.timecode import format_time

MIN_CHAPTER_SECONDS = 10.0


@dataclass(frozen=True)
class Chapter:
    """One chapter of a recording."""

    start: float
    title: str
    summary: str = ""
    estimated: bool = False


@dataclass(frozen=True)
class ChapterProblem:
    """A broken rule: ``index`` is the 0-based chapter (None for the whole list)."""

    index: int | None
    message: str
    extra: dict = field(default_factory=dict, compare=False)


def chapter_label(index, title):
    """How messages name a chapter: ``chapter 3 "Launch day"``."""
    title = (title or "").strip()
    return f'chapter {index + 1} "{title}"' if title else f"chapter {index + 1}"


def check_chapters(chapters, duration):
    """Every broken rule in ``chapters`` (a sequence of Chapter) for a recording of ``duration`` seconds."""
    problems = []
    if not chapters:
        problems.append(ChapterProblem(None, "there are no chapters: add at least one"))
        return problems
    for i, chapter in enumerate(chapters):
        label = chapter_label(i, chapter.title)
        if not (chapter.title or "").strip():
            problems.append(ChapterProblem(i, f"{label}: the title is empty"))
        if i > 0 and chapter.start <= chapters[i - 1].start:
            problems.append(
                ChapterProblem(
                    i,
                    f"{label} starts at {format_time(chapter.start)}, not after "
                    f"{chapter_label(i - 1, chapters[i - 1].title)} at {format_time(chapters[i - 1].start)}: "
                    "chapter times must increase",
                )
            )
            continue
        if duration is not None and chapter.start >= duration:
            problems.append(
                ChapterProblem(
                    i,
                    f"{label} starts at {format_time(chapter.start)}, past the end of the recording "
                    f"({format_time(duration)})",
                )
            )
            continue
        end = chapters[i + 1].start if i + 1 < len(chapters) else duration
        if end is not None and end > chapter.start and end - chapter.start < MIN_CHAPTER_SECONDS:
            problems.append(
                ChapterProblem(
                    i,
                    f"{label} lasts {end - chapter.start:.0f} s: a chapter must last at least "
                    f"{MIN_CHAPTER_SECONDS:.0f} s",
                )
            )
    return problems


def chapter_bounds(chapters, duration):
    """``[(start, end), ...]`` for each chapter."""
    starts = [c.start for c in chapters]
    ends = starts[1:] + [duration]
    return list(zip(starts, ends, strict=True))
