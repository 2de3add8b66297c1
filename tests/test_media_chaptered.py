"""The chaptered web MP4: one ffmpeg call, a header-only check of the result, and the input-thread choice."""

import struct
from pathlib import Path

import pytest

import media_manifest.prepare as prepare
from media_manifest.prepare import write_chaptered_mp4
from media_manifest.standins import make_stand_in
from media_manifest.tools import (
    MediaError,
    MediaInfo,
    Tools,
    find_tools,
    probe,
    probe_chapters,
    release,
    single_thread_input,
)
from xblocks.common.chapters import Chapter

pytestmark = pytest.mark.media

SECONDS = 30
CHAPTERS = [Chapter(0, "Opening"), Chapter(10.25, "Middle = part; two"), Chapter(20, "Close")]
FRAME = 0.5  # stand-ins run at 2 frames per second


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("chaptered") / "source file.mp4"
    make_stand_in(find_tools(), path, SECONDS, "Chaptered stand-in")
    return path


def top_level_boxes(path):
    """The MP4's top-level box types in file order."""
    boxes = []
    with open(path, "rb") as handle:
        while header := handle.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            elif size == 0:
                boxes.append(kind.decode("latin-1"))
                break
            boxes.append(kind.decode("latin-1"))
            handle.seek(size - 8, 1)
    return boxes


def fake_ffmpeg(folder, name, script):
    path = Path(folder) / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    "line, known, options",
    [
        ("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026", (5, 1), {"thread_queue_size": 0}),
        ("ffmpeg version 6.0.1 Copyright (c) 2000-2023", (6, 0), {"thread_queue_size": 0}),
        ("ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023", (6, 1), {}),
        ("ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright", (4, 4), {}),
        ("ffmpeg version n9.0.2-17-g2a571b6068-20260930 Copyright", (9, 0), {}),
        ("ffmpeg version N-112345-gdeadbeef Copyright", None, {}),
    ],
)
def test_input_threads_are_turned_off_only_on_releases_that_take_it(tmp_path, line, known, options):
    binary = fake_ffmpeg(tmp_path, "ffmpeg", f"echo '{line}'")
    assert release(binary) == known
    assert single_thread_input(Tools(binary, "test")) == options


def test_a_broken_binary_gets_no_thread_option(tmp_path):
    binary = fake_ffmpeg(tmp_path, "broken", "echo broken >&2\nexit 3")
    assert release(binary) is None
    assert single_thread_input(Tools(binary, "test")) == {}


def test_one_ffmpeg_call_writes_faststart_chapters_and_the_header_check_passes(source, tmp_path, monkeypatch):
    tools = find_tools()
    info = probe(tools, source)
    calls = []
    real_run = prepare.run

    def recording_run(tools, stream, *args, **kwargs):
        calls.append(stream.compile(cmd=tools.ffmpeg))
        return real_run(tools, stream, *args, **kwargs)

    monkeypatch.setattr(prepare, "run", recording_run)
    target = tmp_path / "out" / "session.mp4"
    assert write_chaptered_mp4(tools, source, info, "Title", CHAPTERS, target) == "stream copy"

    assert len(calls) == 1  # FFMETADATA and +faststart in the same call; no second write
    command = calls[0]
    assert "+faststart" in command and command.count("-c") == 1
    assert command.count("-thread_queue_size") == (2 if single_thread_input(tools) else 0)
    boxes = top_level_boxes(target)
    assert boxes.index("moov") < boxes.index("mdat")  # the index really is at the front
    assert sorted(p.name for p in target.parent.iterdir()) == ["session.mp4"]  # no partial file left

    header = probe_chapters(tools, target)
    assert abs(header.duration - info.duration) <= FRAME
    assert [(round(s, 3), t) for s, _, t in header.chapters] == [(c.start, c.title) for c in CHAPTERS]
    full = probe(tools, target)
    assert (full.video_codec, full.audio_codec) == ("h264", "aac")
    assert [c[:2] for c in full.chapters] == [c[:2] for c in header.chapters]
    without_ffprobe = probe_chapters(Tools(tools.ffmpeg, "test"), target)
    assert [round(s, 2) for s, _, _ in without_ffprobe.chapters] == [round(c.start, 2) for c in CHAPTERS]
    assert abs(without_ffprobe.duration - header.duration) <= 0.01


@pytest.mark.parametrize(
    "found, message",
    [
        (
            lambda d: MediaInfo(Path("x"), d, chapters=[(0, 10, "a"), (10.25, 30, "b")]),
            "2 chapters instead of 3",
        ),
        (
            lambda d: MediaInfo(Path("x"), d, chapters=[(0, 10, "a"), (11, 20, "b"), (20, 30, "c")]),
            "chapter 2 was written at 11.000 s instead of 10.250 s",
        ),
        (
            lambda d: MediaInfo(Path("x"), d - 5, chapters=[(c.start, 0, c.title) for c in CHAPTERS]),
            "came out 25.00 s long instead of 30.00 s",
        ),
    ],
)
def test_a_result_that_fails_the_check_never_replaces_the_old_file(
    source, tmp_path, monkeypatch, found, message
):
    tools = find_tools()
    info = probe(tools, source)
    target = tmp_path / "session.mp4"
    target.write_bytes(b"prepared before")
    monkeypatch.setattr(prepare, "probe_chapters", lambda tools, path: found(info.duration))
    with pytest.raises(MediaError, match=message):
        write_chaptered_mp4(tools, source, info, "Title", CHAPTERS, target)
    assert target.read_bytes() == b"prepared before"
    assert [p.name for p in tmp_path.iterdir()] == ["session.mp4"]


def test_the_header_check_names_a_file_that_is_not_media(tmp_path):
    bogus = tmp_path / "not media.mp4"
    bogus.write_text("hello")
    with pytest.raises(MediaError, match="not media.mp4: not a media file"):
        probe_chapters(find_tools(), bogus)
    with pytest.raises(MediaError, match="no such file"):
        probe_chapters(find_tools(), tmp_path / "absent.mp4")


FFPROBE_JSON = (
    '{"format": {"duration": "30.5", "format_name": "mov,mp4"}, "streams": ['
    '{"codec_type": "video", "codec_name": "mjpeg", "disposition": {"attached_pic": 1}},'
    '{"codec_type": "video", "codec_name": "h264", "width": 640, "height": 360, "avg_frame_rate": "25/1"},'
    '{"codec_type": "audio", "codec_name": "aac"}],'
    '"chapters": [{"start_time": "0.000", "end_time": "10.250", "tags": {"title": "A = b"}},'
    '{"start_time": "10.250", "end_time": "30.500", "tags": {}}]}'
)


def test_the_ffprobe_path_asks_for_the_header_only_and_reads_its_json(tmp_path):
    """Independent of the machine's ffprobe: a stand-in ffprobe logs its arguments and answers JSON."""
    log = tmp_path / "args.txt"
    (tmp_path / "answer.json").write_text(FFPROBE_JSON + "\n")
    fake = fake_ffmpeg(
        tmp_path,
        "ffprobe",
        (  # shell built-ins only: PATH may hold nothing else
            f'printf "%s\\n" "$@" > "{log}"\n'
            f'while IFS= read -r line; do printf "%s\\n" "$line"; done < "{tmp_path}/answer.json"'
        ),
    )
    media = tmp_path / "-a file; 'x'.mp4"
    media.write_bytes(b"anything")
    tools = Tools("/nonexistent/ffmpeg", "test", fake, "test")
    header = probe_chapters(tools, media)
    args = log.read_text().splitlines()
    assert args == [
        "-v",
        "error",
        "-show_chapters",
        "-show_entries",
        "format=duration",
        "-of",
        "json",
        f"file:{media}",
    ]
    assert header.duration == 30.5 and header.video_codec is None
    assert header.chapters == [(0.0, 10.25, "A = b"), (10.25, 30.5, "")]
    full = probe(tools, media)
    assert "-show_streams" in log.read_text().splitlines()
    assert (full.video_codec, full.width, full.height, full.fps, full.audio_codec) == (
        "h264",
        640,
        360,
        25.0,
        "aac",
    )
    (tmp_path / "answer.json").write_text("[1, 2]\n")
    with pytest.raises(MediaError, match="ffprobe gave unreadable output"):
        probe(tools, media)
    broken = fake_ffmpeg(tmp_path, "ffprobe-broken", "echo 'moov atom not found' >&2\nexit 1")
    with pytest.raises(MediaError, match="a file; 'x'.mp4: not a media file ffmpeg can read \\(moov atom"):
        probe(Tools("/nonexistent/ffmpeg", "test", broken, "test"), media)
