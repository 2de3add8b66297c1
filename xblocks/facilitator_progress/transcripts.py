"""Transcript cues (from WebVTT text) and search over them: plain functions, no runtime.

A transcript is a dict ``{"session", "title", "src", "chapters": [[start, title], ...],
"cues": [[start, end, text], ...]}`` (JSON-able: it is stored in a content field of the block).
``search(transcripts, query)`` finds cues whose text holds every word of the query (case and accents
folded) and names the chapter each falls in.
"""

import html
import re
import unicodedata

from xblocks.common.timecode import format_time

MIN_QUERY = 2
MAX_QUERY = 200
MAX_RESULTS = 50
MAX_CUES = 20_000
MAX_CUE_TEXT = 2_000

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)(?:\s.*)?$"
)
_TAG = re.compile(r"<[^>]*>")


class TranscriptError(ValueError):
    """WebVTT text that cannot be read; the message says where."""


def vtt_seconds(text):
    """``01:02:03.500`` or ``02:03.5`` (``,`` accepted as in SRT) -> seconds."""
    parts = text.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def parse_vtt(text, where="transcript"):
    """``[[start, end, text], ...]`` from WebVTT (or SRT) text; tags dropped, entities decoded."""
    cues = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        match = _TIMING.match(lines[i])
        if not match:
            i += 1
            continue
        try:
            start, end = vtt_seconds(match.group(1)), vtt_seconds(match.group(2))
        except ValueError:
            raise TranscriptError(f"{where}: line {i + 1}: the cue time is not valid")
        if end < start:
            raise TranscriptError(f"{where}: line {i + 1}: the cue ends before it starts")
        i += 1
        body = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        words = html.unescape(_TAG.sub("", " ".join(body))).strip()
        if words:
            cues.append([round(start, 3), round(end, 3), words[:MAX_CUE_TEXT]])
        if len(cues) > MAX_CUES:
            raise TranscriptError(f"{where}: more than {MAX_CUES} cues")
    return cues


def fold(text):
    """Lower case without accents, whitespace collapsed: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class QueryError(ValueError):
    """A search query that cannot be used; the message says why."""


def clean_query(query):
    if not isinstance(query, str):
        raise QueryError('"query" must be a string.')
    folded = fold(query)
    if len(folded) < MIN_QUERY:
        raise QueryError(f"Type at least {MIN_QUERY} characters to search.")
    if len(query) > MAX_QUERY:
        raise QueryError(f"The search is too long ({len(query)} characters; at most {MAX_QUERY}).")
    return folded


def chapter_at(chapters, seconds):
    """``(index, title)`` of the chapter holding ``seconds`` (chapters sorted by start), or ``(None, "")``."""
    found = (None, "")
    for index, (start, title) in enumerate(chapters):
        if start <= seconds + 1e-6:
            found = (index, title)
        else:
            break
    return found


def search(transcripts, query, limit=MAX_RESULTS):
    """``(results, total)``: at most ``limit`` matching cues, in session and time order."""
    words = clean_query(query).split()
    results = []
    total = 0
    for transcript in transcripts:
        chapters = transcript.get("chapters") or []
        for start, _end, text in transcript.get("cues") or []:
            folded = fold(text)
            if all(word in folded for word in words):
                total += 1
                if len(results) < limit:
                    index, chapter_title = chapter_at(chapters, start)
                    results.append(
                        {
                            "session": transcript["session"],
                            "session_title": transcript.get("title") or transcript["session"],
                            "chapter": None if index is None else index + 1,
                            "chapter_title": chapter_title,
                            "seconds": start,
                            "time": format_time(start),
                            "text": text,
                        }
                    )
    return results, total
