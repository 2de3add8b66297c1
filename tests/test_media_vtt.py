"""WebVTT writing and reading, SRT conversion, stand-in captions: pure functions, no ffmpeg."""

import pytest

from media_manifest import load_manifest
from media_manifest.standins import stand_in_captions
from media_manifest.vtt import (
    CaptionError,
    caption_to_vtt,
    chapters_vtt,
    escape_cue_text,
    parse_srt,
    parse_vtt,
)
from xblocks.common.chapters import Chapter


def test_chapters_vtt_round_trips_and_escapes_hostile_titles():
    chapters = [Chapter(0, "<script>alert(1)</script>"), Chapter(65.5, "A --> B & C"), Chapter(4000, "Last")]
    text = chapters_vtt(chapters, 5475)
    assert text.startswith("WEBVTT\n\nchapter-1\n00:00:00.000 --> 00:01:05.500\n&lt;script&gt;")
    cues = parse_vtt(text)
    assert [(c.start, c.end, c.identifier) for c in cues] == [
        (0, 65.5, "chapter-1"),
        (65.5, 4000, "chapter-2"),
        (4000, 5475, "chapter-3"),
    ]
    assert cues[1].text == "A --&gt; B &amp; C"
    assert escape_cue_text("two\nlines") == "two lines"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "1: not a WebVTT file"),
        ("WEBVTTX\n", "1: not a WebVTT file"),
        ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nx\n", "3: a cue without a timing line"),
        ("WEBVTT\n\n1:2 --> 3:4\nx\n", "3: bad cue timing"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nx\n", "3: the cue ends before it starts"),
        ("WEBVTT\n\n00:00:01.000 --> 00:61:02.000\nx\n", "3: bad cue timing"),
    ],
)
def test_parse_vtt_rejects_bad_files_with_the_line(text, message):
    with pytest.raises(CaptionError, match=message):
        parse_vtt(text, "c.vtt")


def test_parse_vtt_skips_notes_and_accepts_short_times_and_settings():
    cues = parse_vtt(
        "\ufeffWEBVTT - title\r\n\r\nNOTE hi\r\n\r\n01:02.500 --> 01:04.000 align:start\r\nhey\r\n"
    )
    assert [(c.start, c.end, c.text) for c in cues] == [(62.5, 64.0, "hey")]


def test_parse_srt_variants_and_errors():
    cues = parse_srt(
        "1\n00:00:01,5 --> 00:00:02,000\n<b>bold</b> <font>x</font>\n\n\n2\n0:0:3,000 --> 0:0:4,000\na\nb\n"
    )
    assert [(c.start, c.end) for c in cues] == [(1.5, 2.0), (3.0, 4.0)]
    assert cues[0].text == "<b>bold</b> &lt;font&gt;x&lt;/font&gt;" and cues[1].text == "a\nb"
    with pytest.raises(CaptionError, match="c.srt:2: not a WebVTT or SRT"):
        parse_srt("1\nnot a timing\n", "c.srt")
    with pytest.raises(CaptionError, match="no cues"):
        parse_srt("\n\n", "c.srt")
    with pytest.raises(CaptionError, match="ends before it starts"):
        parse_srt("1\n00:00:05,000 --> 00:00:01,000\nx\n", "c.srt")


def test_caption_to_vtt_files(tmp_path):
    srt = tmp_path / "c.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n", encoding="utf-8")
    text, cues = caption_to_vtt(srt, duration=10)
    assert text.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi") and len(cues) == 1
    late = tmp_path / "late.srt"
    late.write_text("1\n00:00:05,000 --> 00:00:06,000\nhi\n", encoding="utf-8")
    with pytest.raises(CaptionError, match="late.srt: a cue starts at 00:00:05.000, after the end"):
        caption_to_vtt(late, duration=2)
    with pytest.raises(CaptionError, match="cannot read the caption file"):
        caption_to_vtt(tmp_path / "missing.vtt")
    nul = tmp_path / "nul.vtt"
    nul.write_text("WEBVTT\x00", encoding="utf-8")
    with pytest.raises(CaptionError, match="binary data"):
        caption_to_vtt(nul)


def test_stand_in_captions_name_the_chapter_of_each_cue():
    session = load_manifest().session("session-2")
    cues = parse_vtt(stand_in_captions(session, session.duration))
    assert len(cues) == 546 and cues[-1].end == session.duration
    for cue in cues:
        chapter = [c for c in session.chapters if c.start <= cue.start][-1]
        assert escape_cue_text(chapter.title) in cue.text
