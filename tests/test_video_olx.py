"""The chaptered video's authoring forms: OLX parse/export, the Studio chapter text, WebVTT, the rules."""

import pytest
from lxml import etree

from xblocks.chaptered_video import olx
from xblocks.chaptered_video.olx import OlxError, parse_olx
from xblocks.common.chapters import Chapter

SESSION_2 = """
<chaptered_video display_name="Session 2: Preparing to Launch and Launching" duration="1:30:52"
                 completion_threshold="0.9" module_id="session-2-video" url_name="abc123"
                 xblock-family="xblock.v1">
  <source src="/static/session-2.mp4" type="video/mp4"/>
  <source src="/static/session-2.webm"/>
  <track kind="captions" src="/static/session-2.en.vtt" srclang="en" label="English"/>
  <poster src="/static/session-2.jpg"/>
  <!-- authored estimates -->
  <segment start="0:00:00" title="Welcome and overview"/>
  <segment start="0:11:40" title="Building your regional support team">Optional one-paragraph
     summary.</segment>
  <segment start="1895.5" title="Launch &amp; afterwards"/>
</chaptered_video>
"""


def parse(text):
    return parse_olx(etree.fromstring(text.strip()))


def test_parse_reads_every_part_and_ignores_export_attributes():
    values = parse(SESSION_2)
    assert values["display_name"] == "Session 2: Preparing to Launch and Launching"
    assert values["duration"] == "1:30:52"
    assert values["completion_threshold"] == 0.9
    assert values["module_id"] == "session-2-video"
    assert "url_name" not in values and "xblock-family" not in values
    assert values["sources"] == [
        {"src": "/static/session-2.mp4", "type": "video/mp4"},
        {"src": "/static/session-2.webm", "type": "video/webm"},
    ]
    assert values["tracks"] == [
        {"kind": "captions", "src": "/static/session-2.en.vtt", "srclang": "en", "label": "English"}
    ]
    assert values["poster"] == "/static/session-2.jpg"
    assert values["chapters"] == (
        "0:00:00 Welcome and overview\n"
        "0:11:40 Building your regional support team\n"
        "    Optional one-paragraph summary.\n"
        "0:31:35.5 Launch & afterwards"
    )


def test_export_then_parse_gives_equal_fields():
    values = parse(SESSION_2)
    node = olx.export_olx(etree.Element("chaptered_video"), values)
    text = etree.tostring(node, encoding="unicode")
    assert "<segment " in text and "<chapter " not in text
    assert parse(text) == values


def test_chapter_text_round_trip_with_fractions_and_summaries():
    chapters = (Chapter(0, "A"), Chapter(70.25, "B & <c>", "sum one two"), Chapter(3700, "D"))
    text = olx.chapters_to_text(chapters)
    assert text == "0:00:00 A\n0:01:10.25 B & <c>\n    sum one two\n1:01:40 D"
    parsed, problems = olx.parse_chapter_text(text)
    assert parsed == chapters and problems == ()


def test_chapter_text_reports_bad_lines_by_number():
    _chapters, problems = olx.parse_chapter_text("0:00 Intro\nsoon Later part\n1:99 Broken")
    assert problems[0].startswith('line 2 "soon Later part"')
    assert problems[1].startswith('line 3 "1:99 Broken"')


@pytest.mark.parametrize(
    "olx_text, words",
    [
        (
            '<chaptered_video duration="2:00"><segment start="0" title="A"/></chaptered_video>',
            "no video source",
        ),
        (
            '<chaptered_video duration="two minutes"><source src="/static/a.mp4"/>'
            '<segment start="0" title="A"/></chaptered_video>',
            "the duration does not parse",
        ),
        (
            '<chaptered_video><source src="/static/a.mp4"/><segment start="0" title="A"/></chaptered_video>',
            "the duration is missing",
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/><segment start="0" title="A"/>'
            '<segment start="0:05" title="Too short"/></chaptered_video>',
            'chapter 1 "A" lasts 5 s',
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/><segment start="0:30" title="A"/>'
            '<segment start="0:20" title="Back"/></chaptered_video>',
            'chapter 2 "Back" starts at 0:00:20, not after chapter 1 "A"',
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/><segment start="0" title="A"/>'
            '<segment start="3:00" title="Late"/></chaptered_video>',
            'chapter 2 "Late" starts at 0:03:00, past the end',
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/><segment start="0" title=" "/>'
            "</chaptered_video>",
            "chapter 1: the title is empty",
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/>'
            '<segment start="zero" title="Intro"/></chaptered_video>',
            '<segment title="Intro"> (line 1): start',
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/><chapter start="0" title="A"/>'
            "</chaptered_video>",
            "<chapter> (line 1) is not allowed here",
        ),
        (
            '<chaptered_video duration="2:00" completion_threshold="most"><source src="/static/a.mp4"/>'
            '<segment start="0" title="A"/></chaptered_video>',
            'completion_threshold="most" is not a number',
        ),
        (
            '<chaptered_video duration="2:00" completion_threshold="1.5"><source src="/static/a.mp4"/>'
            '<segment start="0" title="A"/></chaptered_video>',
            "completion threshold must be above 0 and at most 1",
        ),
        (
            '<chaptered_video duration="2:00"><source src="/static/a.mp4"/>'
            '<track kind="chapters" src="/static/a.vtt" srclang="en"/><segment start="0" title="A"/>'
            "</chaptered_video>",
            "kind must be one of captions, subtitles",
        ),
        (
            '<chaptered_video duration="13:00:00"><source src="/static/a.mp4"/><segment start="0" title="A"/>'
            "</chaptered_video>",
            "longer than",
        ),
        ('<chaptered_video duration="2:00"><source src="/static/a.mp4"/></chaptered_video>', "no chapters"),
    ],
)
def test_parse_refuses_with_a_message_naming_the_place(olx_text, words):
    with pytest.raises(OlxError) as info:
        parse(olx_text)
    assert any(words in problem for problem in info.value.problems), info.value.problems


def test_parse_lists_every_problem_at_once():
    with pytest.raises(OlxError) as info:
        parse('<chaptered_video duration="x"><segment start="0" title=""/></chaptered_video>')
    assert len(info.value.problems) == 3
    assert "no video source" in str(info.value)


def test_inline_srt_track_is_converted():
    values = parse(
        '<chaptered_video duration="2:00"><source src="/static/a.mp4"/>'
        '<track srclang="fr" label="Français">1\n00:00:01,000 --> 00:00:02,500\nBonjour &amp; bienvenue\n\n'
        "2\n00:00:03,000 --> 00:00:04,000\n&lt;b&gt;Deux&lt;/b&gt;\n</track>"
        '<segment start="0" title="A"/></chaptered_video>'
    )
    cues = values["tracks"][0]["cues"]
    assert cues.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nBonjour & bienvenue")
    assert "00:00:03.000 --> 00:00:04.000" in cues
    node = olx.export_olx(etree.Element("chaptered_video"), values)
    assert parse(etree.tostring(node, encoding="unicode")) == values


def test_srt_file_track_is_accepted_for_the_player_to_convert():
    values = parse(
        '<chaptered_video duration="2:00"><source src="/static/a.mp4"/>'
        '<track src="/static/a.en.SRT?v=2" srclang="en" label="English"/><segment start="0" title="A"/>'
        "</chaptered_video>"
    )
    assert values["tracks"] == [
        {"kind": "captions", "src": "/static/a.en.SRT?v=2", "srclang": "en", "label": "English"}
    ]
    assert olx.is_srt("/static/a.en.SRT?v=2") and olx.is_srt("/x.srt#t=1")
    assert not olx.is_srt("/static/a.en.vtt") and not olx.is_srt("/static/srt/a.vtt")
    node = olx.export_olx(etree.Element("chaptered_video"), values)
    assert parse(etree.tostring(node, encoding="unicode")) == values


def test_only_hls_sources_get_advice_not_an_error():
    hls = {"src": "https://cdn.example/s/master.m3u8", "type": ""}
    assert olx.is_hls(hls) and olx.is_hls({"src": "/x", "type": "application/vnd.apple.mpegurl"})
    assert not olx.is_hls({"src": "/static/a.mp4", "type": "video/mp4"})
    assert "hls.js" in olx.source_warnings([hls])[0]
    assert olx.source_warnings([hls, {"src": "/static/a.mp4"}]) == ()
    assert olx.source_warnings([]) == () and olx.source_warnings("junk") == ()
    assert olx.read_config("2:00", "0:00 A", 0.9, [hls], []).problems == ()


def test_srt_conversion_details():
    srt = "\ufeff1\r\n00:00:01,5 --> 00:00:02,000\r\nLine one\r\nLine two\r\n\r\nnot a cue\r\n"
    assert olx.srt_to_vtt(srt) == "WEBVTT\n\n00:00:01.500 --> 00:00:02.000\nLine one\nLine two\n"
    assert (
        olx.srt_to_vtt("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n") == "WEBVTT\n\n00:01.000 --> 00:02.000\nx\n"
    )


def test_chapters_vtt_escapes_titles_and_ends_at_duration():
    text = olx.chapters_vtt([Chapter(0, "Intro <script>"), Chapter(70.5, "A & B")], 5475)
    assert text.startswith("WEBVTT\n\nchapter-1\n00:00:00.000 --> 00:01:10.500\nIntro &lt;script&gt;\n")
    assert "00:01:10.500 --> 01:31:15.000\nA &amp; B" in text


def test_guess_type():
    assert olx.guess_type("/static/x.MP4?v=2") == "video/mp4"
    assert olx.guess_type("https://cdn/x/master.m3u8") == "application/x-mpegURL"
    assert olx.guess_type("/static/x.bin") == ""


def test_read_config_refuses_wrong_shapes_from_studio():
    config = olx.read_config("2:00", "0:00 A", 0.9, "not a list", [{"src": "/a.vtt"}, 3])
    assert config.problems[0].startswith("sources must be a list")
    assert config.problems[1].startswith("tracks must be a list")
    assert any('track 1 "/a.vtt" has no srclang' in p for p in config.problems)
    assert any("completion threshold" in p for p in olx.read_config("2:00", "0:00 A", True, [], []).problems)
