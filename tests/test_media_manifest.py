"""The media manifest: the packaged five sessions, and every kind of bad manifest with its place."""

import textwrap

import pytest

from media_manifest import DEFAULT_MANIFEST, ManifestError, load_manifest
from xblocks.common.chapters import Chapter, check_chapters

SEED_SESSIONS = [
    ("session-1", "What They Are and Why Now", "1:31:15", 5475),
    ("session-2", "Preparing to Launch and Launching a Next Generation Sector Partnership", "1:30:52", 5452),
    ("session-3", "The Launch and Afterparty", "1:31:12", 5472),
    ("session-4", "Sustaining and Evolving", "1:26:21", 5181),
    ("session-5", "FAQ and What to Watch For", "1:35:56", 5756),
]

GOOD = """\
sessions:
  - id: session-1
    title: First
    duration: "0:01:00"
    source: session-1.mp4
    captions: {en: session-1.en.vtt}
    chapters:
      - {start: 0, title: Opening, estimated: true}
      - {start: "0:20", title: Middle, summary: The middle part}
      - {start: 40.5, title: End}
"""


def write(tmp_path, text, name="manifest.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    return [str(p) for p in info.value.problems], path


def test_packaged_manifest_carries_the_seed_titles_and_lengths_exactly():
    manifest = load_manifest()
    assert manifest.path == DEFAULT_MANIFEST
    got = [(s.id, s.title, s.duration_text, s.duration) for s in manifest.sessions]
    assert got == [(i, t, d, float(sec)) for i, t, d, sec in SEED_SESSIONS]


def test_packaged_chapters_are_authored_estimates_that_obey_the_chapter_rules():
    for session in load_manifest().sessions:
        assert 6 <= len(session.chapters) <= 10, session.id
        assert all(isinstance(c, Chapter) and c.estimated for c in session.chapters)
        assert session.chapters[0].start == 0
        assert check_chapters(session.chapters, session.duration) == []
        assert session.source == f"{session.id}.mp4"
        assert session.captions == {"en": f"{session.id}.en.vtt"}


def test_session_lookup_by_id_and_unknown_id():
    manifest = load_manifest()
    assert manifest.session("session-3").title == "The Launch and Afterparty"
    with pytest.raises(KeyError, match="session-9"):
        manifest.session("session-9")


def test_good_manifest_values_and_marks(tmp_path):
    manifest = load_manifest(write(tmp_path, GOOD))
    session = manifest.session("session-1")
    assert session.duration == 60.0 and session.duration_text == "0:01:00"
    assert [c.start for c in session.chapters] == [0.0, 20.0, 40.5]
    assert [c.estimated for c in session.chapters] == [True, False, False]
    assert session.chapters[1].summary == "The middle part"
    assert session.chapter_mark(1).line == 9
    assert session.mark("title").line == 3


@pytest.mark.parametrize(
    "replace, expected",
    [
        (("title: First", "title: First\n    colour: red"), ':4:5: unknown key "colour" in the session'),
        (("    title: First\n", ""), ':2:5: the session is missing "title"'),
        (("title: First", "title: 12"), ':3:12: the session "title" must be text, not a number'),
        (("title: First", "title: ''"), ':3:12: the session "title" is empty'),
        (('duration: "0:01:00"', 'duration: "-5"'), ':4:15: the session "duration"'),
        (('duration: "0:01:00"', "duration: -5"), "is negative"),
        (('duration: "0:01:00"', "duration: .nan"), "not a finite time"),
        (('duration: "0:01:00"', "duration: 999999"), "longer than a week"),
        (('duration: "0:01:00"', "duration: 50000"), "longer than 12:00:00"),
        (('duration: "0:01:00"', "duration: 0"), "must be more than 0"),
        (('duration: "0:01:00"', 'duration: "1:75"'), "not a valid time"),
        (("source: session-1.mp4", "source: /etc/passwd"), "must be relative to the media folder"),
        (("source: session-1.mp4", "source: ../x.mp4"), "must be relative to the media folder"),
        (("source: session-1.mp4", "source: http://x/y.mp4"), "or an https:// URL"),
        (("en: session-1.en.vtt", "en: notes.txt"), "must be a WebVTT (.vtt) or SRT (.srt) file"),
        (("{en: session-1.en.vtt}", "{'<b>': x.vtt}"), "must be a language code"),
        (("{en: session-1.en.vtt}", "[x.vtt]"), '"captions" must map a language'),
        (
            ("{start: 40.5, title: End}", "{start: 40.5, title: End, colour: red}"),
            'unknown key "colour" in chapter 3',
        ),
        (("{start: 40.5, title: End}", "{title: End}"), 'chapter 3 is missing "start"'),
        (
            ("{start: 40.5, title: End}", "{start: 40.5, title: End, estimated: maybe}"),
            '"estimated" must be true',
        ),
        (
            ("{start: 40.5, title: End}", "{start: 70, title: End}"),
            ':10:17: chapter 3 "End" starts at 0:01:10, past the end',
        ),
        (("{start: 40.5, title: End}", "{start: 15, title: End}"), "chapter times must increase"),
        (("{start: 40.5, title: End}", "{start: 55, title: End}"), "a chapter must last at least 10 s"),
        (("{start: 40.5, title: End}", "{start: 40.5, title: ''}"), ":10:30: chapter 3: the title is empty"),
        (("{start: 40.5, title: End}", '{start: 40.5, title: "a\\nb"}'), "line break or control character"),
        (("{start: 40.5, title: End}", "{start: -3, title: End}"), "is negative"),
        (("{start: 40.5, title: End}", "[1, 2]"), "chapter 3 must be a mapping"),
        (("id: session-1", "id: Session One"), "lowercase letters"),
        (("title: First", "title: !!python/object:os.system x"), "is not allowed"),
    ],
)
def test_bad_manifest_gives_located_messages(tmp_path, replace, expected):
    old, new = replace
    assert old in GOOD
    problems, path = problems_of(tmp_path, GOOD.replace(old, new))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(f"{path}:") for p in problems)


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD.replace("title: First", "title: 3").replace(
        "{start: 40.5, title: End}", "{start: 5, title: End}"
    )
    problems, _ = problems_of(tmp_path, text)
    assert len(problems) == 2


def test_duplicate_ids_empty_and_wrong_shapes(tmp_path):
    doubled = GOOD + GOOD.split("sessions:\n", 1)[1]
    problems, _ = problems_of(tmp_path, doubled)
    assert any('session id "session-1" is used twice' in p for p in problems)
    assert any("must be a mapping" in p for p in problems_of(tmp_path, "- a\n- b\n")[0])
    assert any('"sessions" is empty' in p for p in problems_of(tmp_path, "sessions: []\n")[0])
    assert any('"sessions" must be a list' in p for p in problems_of(tmp_path, "sessions: 3\n")[0])
    assert any("a session must be a mapping" in p for p in problems_of(tmp_path, "sessions: [3]\n")[0])
    assert any(
        '"chapters" must be a list' in p
        for p in problems_of(tmp_path, GOOD.split("chapters:")[0] + "chapters: 4\n")[0]
    )
    assert any(
        "no chapters" in p for p in problems_of(tmp_path, GOOD.split("chapters:")[0] + "chapters: []\n")[0]
    )
    assert any(
        'unknown key "extra" in the manifest' in p for p in problems_of(tmp_path, GOOD + "extra: 1\n")[0]
    )


def test_malformed_yaml_missing_file_and_bad_bytes(tmp_path):
    problems, path = problems_of(tmp_path, "sessions:\n  - id: [unclosed\n")
    assert problems[0].startswith(f"{path}:") and "YAML syntax" in problems[0]
    with pytest.raises(ManifestError, match="cannot read the file"):
        load_manifest(tmp_path / "nope.yaml")
    (tmp_path / "latin.yaml").write_bytes(b"sessions: \xff\n")
    with pytest.raises(ManifestError, match="not UTF-8"):
        load_manifest(tmp_path / "latin.yaml")


def test_hostile_titles_are_kept_as_text(tmp_path):
    text = GOOD.replace("title: Opening", "title: \"<script>alert('x')</script> & co\"")
    session = load_manifest(write(tmp_path, text)).sessions[0]
    assert session.chapters[0].title == "<script>alert('x')</script> & co"


def test_https_source_is_accepted(tmp_path):
    text = GOOD.replace("source: session-1.mp4", "source: https://media.example.org/session-1.mp4")
    session = load_manifest(write(tmp_path, text)).sessions[0]
    assert session.is_url and session.source == "https://media.example.org/session-1.mp4"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://", "is not a usable https:// URL"),
        ("https:///session-1.mp4", "is not a usable https:// URL"),
        ("https://media.example.org:99999/s.mp4", "is not a usable https:// URL"),
        ("https://media.example.org/a b.mp4", "percent-encode them"),
        ("'https://x.org/\"><script>alert(1)</script>'", "percent-encode them"),
        ("https://user:secret@media.example.org/s.mp4", "carries a user name or password"),
        ("ftp://media.example.org/s.mp4", "or an https:// URL"),
    ],
)
def test_bad_https_sources_are_refused_with_their_place(tmp_path, url, expected):
    problems, path = problems_of(tmp_path, GOOD.replace("source: session-1.mp4", f"source: {url}"))
    assert any(p.startswith(f"{path}:5:13:") and expected in p for p in problems), problems


def test_https_captions_are_accepted_and_checked_like_sources(tmp_path):
    text = GOOD.replace("{en: session-1.en.vtt}", "{en: 'https://media.example.org/c.vtt'}")
    assert load_manifest(write(tmp_path, text)).sessions[0].captions == {
        "en": "https://media.example.org/c.vtt"
    }
    problems, _ = problems_of(tmp_path, GOOD.replace("{en: session-1.en.vtt}", "{en: 'https://'}"))
    assert any("the en caption" in p and "not a usable https:// URL" in p for p in problems)
