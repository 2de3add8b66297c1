"""The ffmpeg pipeline on short stand-ins made here: stand-ins, prepare, check, doctor, bad input."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest

from media_manifest import load_manifest
from media_manifest.prepare import ffmetadata, file_sha256
from media_manifest.progress import ProgressBar
from media_manifest.tools import MediaError, find_tools, output_file, parse_progress, probe, run
from media_manifest.vtt import parse_srt, parse_vtt
from scripts.cli import main

pytestmark = pytest.mark.media

MANIFEST = """\
sessions:
  - id: session-1
    title: "Short <one> & co"
    duration: "0:30"
    source: session-1.mp4
    captions: {en: session-1.en.vtt}
    chapters:
      - {start: 0, title: "Opening <b>bold</b>", estimated: true}
      - {start: 10, title: "Middle; part = two # \\\\ x"}
      - {start: "0:20", title: "End -- > here"}
  - id: session-2
    title: Second
    duration: "0:24"
    source: session-2.mp4
    captions: {en: session-2.en.vtt}
    chapters:
      - {start: 0, title: Alpha}
      - {start: 12, title: Beta}
"""
FRAME = 0.5  # stand-ins run at 2 frames per second


def cli(*argv):
    return main(["media", *[str(a) for a in argv]])


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A manifest and its stand-ins, made once through the CLI."""
    root = tmp_path_factory.mktemp("media")
    manifest = root / "manifest.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    assert cli("stand-ins", "--out", root / "stand-ins", "--manifest", manifest) == 0
    return root


@pytest.fixture
def media(made, tmp_path):
    """A private copy: ``media`` folder (the stand-ins) and ``manifest``."""
    shutil.copytree(made / "stand-ins", tmp_path / "media")
    shutil.copy(made / "manifest.yaml", tmp_path / "manifest.yaml")
    return tmp_path


def tools():
    return find_tools()


def image_size(path):
    info = probe(tools(), path)
    return info.width, info.height


def mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in Path(folder).iterdir() if p.is_file()}


# --- stand-ins ---------------------------------------------------------------------------------------------


def test_stand_ins_have_the_manifest_lengths_streams_and_captions(made):
    folder = made / "stand-ins"
    for name, seconds, titles in [
        ("session-1", 30, ["Opening", "Middle", "End"]),
        ("session-2", 24, ["Alpha", "Beta"]),
    ]:
        info = probe(tools(), folder / f"{name}.mp4")
        assert abs(info.duration - seconds) <= FRAME
        assert (info.video_codec, info.audio_codec, info.width, info.height) == ("h264", "aac", 320, 180)
        cues = parse_vtt((folder / f"{name}.en.vtt").read_text(encoding="utf-8"))
        assert [c.start for c in cues] == list(range(0, seconds, 10))
        assert cues[-1].end == seconds
        for title in titles:
            assert any(title in c.text for c in cues)
    assert "&lt;b&gt;bold" in (folder / "session-1.en.vtt").read_text(encoding="utf-8")
    demo = probe(tools(), folder / "demo-clip.mp4")
    assert abs(demo.duration - 120) <= 0.1 and demo.video_codec == "h264"
    assert len(parse_vtt((folder / "demo-clip.en.vtt").read_text(encoding="utf-8"))) == 12


def test_stand_ins_if_missing_keeps_what_is_there_and_max_seconds_caps(media, capsys):
    before = mtimes(media / "media")
    assert (
        cli("stand-ins", "--out", media / "media", "--manifest", media / "manifest.yaml", "--if-missing") == 0
    )
    assert mtimes(media / "media") == before
    assert "already there, kept" in capsys.readouterr().out
    (media / "media" / "session-2.mp4").unlink()
    assert (
        cli("stand-ins", "--out", media / "media", "--manifest", media / "manifest.yaml", "--if-missing") == 0
    )
    after = mtimes(media / "media")
    assert after["session-1.mp4"] == before["session-1.mp4"] and "session-2.mp4" in after
    capped = media / "capped"
    args = ("stand-ins", "--out", capped, "--manifest", media / "manifest.yaml", "--max-seconds", 12)
    assert cli(*args) == 0
    assert abs(probe(tools(), capped / "session-1.mp4").duration - 12) <= FRAME
    assert parse_vtt((capped / "session-1.en.vtt").read_text(encoding="utf-8"))[-1].end == 12
    assert cli("stand-ins", "--out", capped, "--max-seconds", -3) == 1
    assert "--max-seconds must be more than 0" in capsys.readouterr().err


def test_stand_ins_if_missing_rewrites_captions_whose_chapter_titles_changed(media, capsys):
    folder = media / "media"
    before = mtimes(folder)
    (media / "manifest.yaml").write_text(MANIFEST.replace("title: Beta", "title: Beta renamed"))
    args = ("stand-ins", "--out", folder, "--manifest", media / "manifest.yaml", "--if-missing")
    assert cli(*args) == 0
    out = capsys.readouterr().out
    assert "session-2.mp4: already there, kept; session-2.en.vtt rewritten from the manifest" in out
    after = mtimes(folder)
    assert {name for name in before if after[name] != before[name]} == {"session-2.en.vtt"}
    assert "Beta renamed" in (folder / "session-2.en.vtt").read_text(encoding="utf-8")


def test_stand_ins_into_a_hostile_folder_name(made, tmp_path):
    manifest = tmp_path / "one.yaml"
    manifest.write_text(MANIFEST.split("  - id: session-2")[0], encoding="utf-8")
    out = tmp_path / "-out 'q' \"d\" été %d: x"
    assert cli("stand-ins", "--out", out, "--manifest", manifest, "--max-seconds", 4) == 0
    info = probe(tools(), out / "session-1.mp4")
    assert abs(info.duration - 4) <= FRAME and (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("demo-clip-")) == [
        "demo-clip.en.srt",
        "demo-clip.en.vtt",
        "demo-clip.m3u8",
        "demo-clip.mp4",
        "session-1.en.vtt",
        "session-1.mp4",
    ]
    assert len(list(out.glob("demo-clip-*.ts"))) == 12  # "%d" in the folder's name is no pattern


def test_demo_clip_has_subrip_captions_and_an_hls_stand_in(made):
    folder = made / "stand-ins"
    srt = parse_srt((folder / "demo-clip.en.srt").read_text(encoding="utf-8"))
    assert srt == parse_vtt((folder / "demo-clip.en.vtt").read_text(encoding="utf-8"))
    playlist = (folder / "demo-clip.m3u8").read_text(encoding="utf-8")
    segments = [line for line in playlist.splitlines() if line and not line.startswith("#")]
    assert playlist.startswith("#EXTM3U") and "#EXT-X-ENDLIST" in playlist
    assert segments == [f"demo-clip-{i:03d}.ts" for i in range(12)]  # relative: served beside it
    hls = probe(tools(), folder / "demo-clip.m3u8")
    assert abs(hls.duration - 120) <= 0.5 and (hls.video_codec, hls.audio_codec) == ("h264", "aac")


def test_hls_stand_in_is_remade_with_the_demo_clip_or_when_a_segment_is_lost(media, capsys):
    folder = media / "media"
    args = ("stand-ins", "--out", folder, "--manifest", media / "manifest.yaml", "--if-missing")
    (folder / "demo-clip-004.ts").unlink()
    (folder / "demo-clip.en.srt").write_text("stale", encoding="utf-8")
    before = mtimes(folder)
    assert cli(*args) == 0
    assert "demo-clip.m3u8: HLS stand-in written (12 segments, stream copy)" in capsys.readouterr().out
    after = mtimes(folder)
    assert (folder / "demo-clip-004.ts").is_file() and after["demo-clip.mp4"] == before["demo-clip.mp4"]
    assert (folder / "demo-clip.en.srt").read_text(encoding="utf-8").startswith("1\n00:00:00,000 --> ")
    (folder / "demo-clip.mp4").unlink()
    assert cli(*args) == 0
    assert mtimes(folder)["demo-clip.m3u8"] != after["demo-clip.m3u8"]


# --- prepare -----------------------------------------------------------------------------------------------


def test_hosted_sources_are_named_and_skipped_by_check_and_prepare(media, capsys):
    url = "https://media.example.org/webinars/session-2.mp4"
    text = MANIFEST.replace("source: session-2.mp4", f"source: {url}")
    text = text.replace(
        "{en: session-1.en.vtt}", "{en: session-1.en.vtt, es: 'https://media.example.org/s1.es.vtt'}"
    )
    (media / "manifest.yaml").write_text(text)
    args = ("--media", media / "media", "--manifest", media / "manifest.yaml")
    assert cli("check", *args) == 0
    out = capsys.readouterr().out
    assert f"session-2: hosted at {url}: not checked" in out and "session-1: ok" in out
    assert "session-1: es captions hosted at https://media.example.org/s1.es.vtt: not checked" in out
    assert "missing" not in out
    output = media / "out"
    assert cli("prepare", *args, "--out", output) == 0
    out = capsys.readouterr().out
    assert f"session-2: hosted (served from {url})" in out and "session-1: prepared" in out
    assert "es captions hosted at" in out
    assert not list(output.glob("session-2*")) and not (output / "session-1.es.vtt").exists()
    (media / "media" / "session-1.mp4").unlink()
    assert cli("prepare", *args, "--out", output) == 0
    assert (
        f"nothing prepared: no recording of the manifest is in {media / 'media'}" in capsys.readouterr().out
    )


def test_prepare_makes_posters_tracks_captions_and_chaptered_mp4(media, capsys):
    out = media / "out"
    assert (
        cli("prepare", "--media", media / "media", "--out", out, "--manifest", media / "manifest.yaml") == 0
    )
    text = capsys.readouterr().out
    assert "session-1: prepared 3 posters" in text and "(stream copy)" in text
    manifest = load_manifest(media / "manifest.yaml")
    for session in manifest.sessions:
        posters = sorted(out.glob(f"{session.id}.poster-*.jpg"))
        assert len(posters) == len(session.chapters)
        assert all(image_size(p) == (320, 180) for p in posters)
        cues = parse_vtt((out / f"{session.id}.chapters.vtt").read_text(encoding="utf-8"))
        assert [c.start for c in cues] == [c.start for c in session.chapters]
        assert [c.end for c in cues[:-1]] == [c.start for c in session.chapters[1:]]
        assert abs(cues[-1].end - session.duration) <= FRAME
        assert [c.identifier for c in cues] == [f"chapter-{i + 1}" for i in range(len(cues))]
        info = probe(tools(), out / f"{session.id}.mp4")
        assert abs(info.duration - session.duration) <= FRAME
        assert [(round(s, 3), t) for s, _, t in info.chapters] == [
            (c.start, c.title) for c in session.chapters
        ]
        assert parse_vtt((out / f"{session.id}.en.vtt").read_text(encoding="utf-8"))
    chapters = (out / "session-1.chapters.vtt").read_text(encoding="utf-8")
    assert "Opening &lt;b&gt;bold&lt;/b&gt;" in chapters and "End -- &gt; here" in chapters
    assert "<b>" not in chapters
    titles = [t for _, _, t in probe(tools(), out / "session-1.mp4").chapters]
    assert titles == ["Opening <b>bold</b>", "Middle; part = two # \\ x", "End -- > here"]
    assert "\r" not in text and "%" not in text and capsys.readouterr().err == ""  # no bar off a terminal


def test_prepare_records_the_source_hash_and_chapter_list_it_was_made_from(media, capsys):
    out = media / "out"
    args = ("prepare", "--media", media / "media", "--out", out, "--manifest", media / "manifest.yaml")
    assert cli(*args) == 0
    source = media / "media" / "session-2.mp4"
    record = json.loads((out / ".prepared" / "session-2.json").read_text())
    origin = {"file": "session-2.mp4", "sha256": file_sha256(source), "size": source.stat().st_size}
    chapters = [{"start": 0.0, "title": "Alpha"}, {"start": 12.0, "title": "Beta"}]
    assert record["made_from"]["mp4"] == {"source": origin, "title": "Second", "chapters": chapters}
    assert record["made_from"]["chapters"] == {"source": origin, "chapters": chapters}
    assert record["made_from"]["posters"] == {"source": origin, "starts": [0.0, 12.0]}
    captions = media / "media" / "session-2.en.vtt"
    assert record["made_from"]["captions-en"]["captions"] == {
        "file": "session-2.en.vtt",
        "sha256": file_sha256(captions),
    }
    # the same bytes under a new date: up to date, and the new date is remembered (no re-hash next time)
    os.utime(source, ns=(10**18, 10**18))
    capsys.readouterr()
    assert cli(*args) == 0
    assert "session-2: up to date" in capsys.readouterr().out
    assert json.loads((out / ".prepared" / "session-2.json").read_text())["source"]["mtime_ns"] == 10**18


def test_prepare_again_does_nothing_and_one_chapter_change_redoes_only_that_session(media, capsys):
    out = media / "out"
    args = ("prepare", "--media", media / "media", "--out", out, "--manifest", media / "manifest.yaml")
    assert cli(*args) == 0
    first = mtimes(out)
    capsys.readouterr()
    assert cli(*args) == 0
    text = capsys.readouterr().out
    assert "nothing to do" in text and "session-1: up to date" in text
    assert mtimes(out) == first
    (media / "manifest.yaml").write_text(
        MANIFEST.replace("{start: 12, title: Beta}", "{start: 13, title: Beta}")
    )
    assert cli(*args) == 0
    text = capsys.readouterr().out
    assert "session-1: up to date" in text and "session-2: prepared" in text
    second = mtimes(out)
    for name in first:
        if name.startswith("session-1"):
            assert second[name] == first[name], name
    for name in ("session-2.poster-02.jpg", "session-2.chapters.vtt", "session-2.mp4"):
        assert second[name] != first[name]
    assert second["session-2.en.vtt"] == first["session-2.en.vtt"]
    info = probe(tools(), out / "session-2.mp4")
    assert [round(s) for s, _, _ in info.chapters] == [0, 13]


def test_prepare_converts_srt_and_transcodes_other_codecs_with_a_rendition(media, capsys):
    media_dir = media / "media"
    source = media_dir / "session-2.mp4"
    other = media_dir / "session-2.mkv"
    ffmpeg_bin = find_tools().ffmpeg
    subprocess.run(
        [ffmpeg_bin, "-nostdin", "-y", "-v", "error", "-i", str(source), "-vf", "scale=640:360"]
        + ["-c:v", "mpeg4", "-c:a", "libopus", str(other)],
        check=True,
        timeout=60,
    )
    (media_dir / "session-2.en.srt").write_text(
        "1\n00:00:01,000 --> 00:00:04,500\nHello <i>there</i> & <script>x</script>\n\n"
        "2\n00:00:05,000 --> 00:00:08,000\nSecond line\n",
        encoding="utf-8",
    )
    text = (media / "manifest.yaml").read_text()
    text = text.replace("source: session-2.mp4", "source: session-2.mkv").replace(
        "session-2.en.vtt", "session-2.en.srt"
    )
    (media / "manifest.yaml").write_text(text)
    out = media / "out"
    args = ("prepare", "--media", media_dir, "--out", out, "--manifest", media / "manifest.yaml")
    assert cli(*args, "--renditions", "360p,720p") == 0
    text = capsys.readouterr().out
    assert "session-2.mp4 (transcode)" in text
    assert "no 720p rendition: the recording is only 360 px high" in text  # never upscaled
    assert not (out / "session-2.720p.mp4").exists()
    info = probe(tools(), out / "session-2.mp4")
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert abs(info.duration - 24) <= 0.1 and len(info.chapters) == 2
    rendition = probe(tools(), out / "session-2.360p.mp4")
    assert (rendition.width, rendition.height, rendition.video_codec) == (640, 360, "h264")
    assert [round(s) for s, _, _ in rendition.chapters] == [0, 12]
    before = mtimes(out)
    assert cli(*args, "--renditions", "360p,720p") == 0
    text = capsys.readouterr().out
    assert "session-2: up to date (no 720p rendition: the recording is only 360 px high)" in text
    assert "nothing to do" in text and mtimes(out) == before
    cues = parse_vtt((out / "session-2.en.vtt").read_text(encoding="utf-8"))
    assert [(c.start, c.end) for c in cues] == [(1.0, 4.5), (5.0, 8.0)]
    assert cues[0].text == "Hello <i>there</i> &amp; &lt;script&gt;x&lt;/script&gt;"
    assert cli(*args, "--renditions", "4k") == 1
    assert "unknown rendition '4k'" in capsys.readouterr().err


def test_ffmetadata_escapes_special_characters():
    manifest_chapters = load_manifest().session("session-1").chapters
    text = ffmetadata("A = b; #c \\ d", manifest_chapters, 5475)
    assert text.startswith(";FFMETADATA1\ntitle=A \\= b\\; \\#c \\\\ d\n")
    assert text.count("[CHAPTER]") == len(manifest_chapters)
    assert "START=390000\nEND=1080000" in text


# --- probing without ffprobe, binary choice, doctor ---------------------------------------------------------


def test_imageio_ffmpeg_without_ffprobe_prepares_and_probes_alike(media, monkeypatch, capsys):
    monkeypatch.setenv("FFMPEG", imageio_ffmpeg.get_ffmpeg_exe())
    monkeypatch.delenv("FFPROBE", raising=False)
    chosen = find_tools()
    assert chosen.ffprobe is None and chosen.ffmpeg == str(Path(imageio_ffmpeg.get_ffmpeg_exe()).resolve())
    assert cli("doctor") == 0
    assert "probing reads what ffmpeg -i prints" in capsys.readouterr().out
    out = media / "out"
    assert (
        cli("prepare", "--media", media / "media", "--out", out, "--manifest", media / "manifest.yaml") == 0
    )
    with_ffmpeg = probe(chosen, out / "session-1.mp4")
    assert abs(with_ffmpeg.duration - 30) <= FRAME and with_ffmpeg.fps == 2
    assert (with_ffmpeg.video_codec, with_ffmpeg.width, with_ffmpeg.height, with_ffmpeg.audio_codec) == (
        "h264",
        320,
        180,
        "aac",
    )
    assert [(round(s, 2), round(e, 2), t) for s, e, t in with_ffmpeg.chapters] == [
        (0, 10, "Opening <b>bold</b>"),
        (10, 20, "Middle; part = two # \\ x"),
        (20, round(with_ffmpeg.duration, 2), "End -- > here"),
    ]
    assert len(list(out.glob("session-1.poster-*.jpg"))) == 3
    assert cli("check", "--media", media / "media", "--manifest", media / "manifest.yaml") == 0
    assert "session-1: ok, 0:00:30, h264 320x180 + aac" in capsys.readouterr().out


def fake_binary(folder, name, script="echo fake"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


def test_binary_choice_order(tmp_path):
    """Environment variables, then PATH, then the imageio-ffmpeg wheel (stand-in binaries: any machine)."""
    system, own, empty = tmp_path / "system bin", tmp_path / "own", tmp_path / "empty"
    empty.mkdir()
    fake_binary(system, "ffmpeg")
    fake_binary(system, "ffprobe")
    on_path = find_tools({"PATH": f"{empty}:{system}"})
    assert (on_path.ffmpeg, on_path.ffmpeg_from) == (str(system / "ffmpeg"), "PATH")
    assert (on_path.ffprobe, on_path.ffprobe_from) == (str(system / "ffprobe"), "PATH")
    mine = fake_binary(own, "ffmpeg")
    chosen = find_tools({"PATH": str(system), "FFMPEG": mine})
    assert (chosen.ffmpeg, chosen.ffmpeg_from) == (mine, "FFMPEG environment variable")
    assert chosen.ffprobe is None  # not the PATH's ffprobe: it may belong to another ffmpeg
    fake_binary(own, "ffprobe")
    assert find_tools({"FFMPEG": mine}).ffprobe == str(own / "ffprobe")
    assert find_tools({"PATH": str(system), "FFPROBE": ""}).ffprobe is None
    chosen = find_tools({"PATH": str(empty), "FFPROBE": str(system / "ffprobe")})
    assert chosen.ffprobe_from == "FFPROBE environment variable"
    bare = find_tools({"PATH": str(empty)})  # a user without root and without a system ffmpeg
    assert bare.ffmpeg == imageio_ffmpeg.get_ffmpeg_exe() and bare.ffmpeg_from == "imageio-ffmpeg wheel"
    assert bare.ffprobe is None


@pytest.mark.parametrize("kind", ["absent", "not executable", "broken"])
def test_missing_or_broken_ffmpeg_is_one_clear_line(monkeypatch, tmp_path, capsys, kind):
    target = tmp_path / "my ffmpeg"
    if kind == "not executable":
        target.write_text("x")
    elif kind == "broken":
        target.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
        target.chmod(0o755)
    monkeypatch.setenv("FFMPEG", str(target))
    for argv in (("doctor",), ("check", "--media", tmp_path)):
        assert cli(*argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and str(target) in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


FAKE_FFMPEG = """case "$2$1" in
  -version) echo "ffmpeg version 6.1.1 Copyright (c) 2000-2023";;
  -encoders*) echo " V....D libx264   H.264"; [ -n "$WITH_AAC" ] && echo " A....D aac   AAC";;
  -filters*) echo " ... drawtext  V->V  Draw text";;
esac"""


def test_doctor_names_the_binaries_their_versions_and_what_is_missing(monkeypatch, tmp_path, capsys):
    ffmpeg_bin = fake_binary(tmp_path / "bin", "ffmpeg", FAKE_FFMPEG)
    monkeypatch.setenv("FFMPEG", ffmpeg_bin)
    monkeypatch.setenv("FFPROBE", fake_binary(tmp_path / "bin", "ffprobe", "echo 'ffprobe version 6.1.1'"))
    monkeypatch.setenv("WITH_AAC", "1")
    assert cli("doctor") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"ffmpeg:  {ffmpeg_bin} (from FFMPEG environment variable)",
        "         ffmpeg version 6.1.1 Copyright (c) 2000-2023",
        f"ffprobe: {tmp_path / 'bin' / 'ffprobe'} (from FFPROBE environment variable)",
        "         ffprobe version 6.1.1",
        "ok: H.264 and AAC encoders and the drawtext filter are available",
    ]
    monkeypatch.delenv("WITH_AAC")
    monkeypatch.setenv("FFPROBE", "")
    assert cli("doctor") == 1
    captured = capsys.readouterr()
    assert "ffprobe: none (disabled: FFPROBE is empty); probing reads what ffmpeg -i prints" in captured.out
    assert f"missing: aac (encoder) in {ffmpeg_bin}" in captured.out
    assert (
        captured.err == f"error: {ffmpeg_bin} cannot encode H.264/AAC: install a full ffmpeg or set FFMPEG\n"
    )
    # drawtext alone missing: said, but not fatal (stand-ins then go without their label)
    monkeypatch.setenv("WITH_AAC", "1")
    no_text = fake_binary(tmp_path / "bin", "ffmpeg", FAKE_FFMPEG.replace("drawtext", "scale"))
    assert cli("doctor") == 0 and no_text == ffmpeg_bin
    out = capsys.readouterr().out
    assert f"missing: drawtext (filter) in {ffmpeg_bin}" in out and "no visible label" in out


def test_a_broken_ffprobe_is_one_clear_line_not_blamed_on_the_recordings(media, monkeypatch, capsys):
    broken = fake_binary(
        media / "bin", "ffprobe", "echo 'error while loading shared libraries' >&2\nexit 127"
    )
    monkeypatch.setenv("FFPROBE", broken)
    for argv in (("doctor",), ("check", "--media", media / "media", "--manifest", media / "manifest.yaml")):
        assert cli(*argv) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: ffprobe is broken: {broken} does not work (exit 127)"), err
        assert "session-1" not in err and len(err.strip().splitlines()) == 1


def test_run_enforces_timeout_and_output_file_keeps_old_on_failure(tmp_path):
    import ffmpeg

    final = tmp_path / "keep.mp4"
    final.write_bytes(b"old")
    with pytest.raises(MediaError, match="did not finish within 1 s"):
        with output_file(final) as temp:
            slow = ffmpeg.input("testsrc2=size=1280x720:rate=30:duration=600", f="lavfi").output(
                str(temp), vcodec="libx264", preset="veryslow"
            )
            run(tools(), slow, 1, "slow test")
    assert final.read_bytes() == b"old" and list(tmp_path.iterdir()) == [final]
    with pytest.raises(MediaError, match="wrote nothing"):
        with output_file(final):
            pass
    assert final.read_bytes() == b"old"


@pytest.mark.parametrize(
    "line, seconds",
    [
        (b"out_time_us=12500000\n", 12.5),
        (b"out_time_ms=3000000\n", 3.0),  # ffmpeg's "ms" key carries microseconds too
        ("out_time_us=0", 0.0),
        (b"out_time_us=-23220\n", 0.0),  # negative while the first timestamps settle
        (b"out_time_us=N/A\n", None),
        (b"out_time=00:00:12.500000\n", None),
        (b"progress=continue\n", None),
        (b"progress=end\n", None),
        (b"frame=25\n", None),
        (b"out_time_us=\n", None),
        (b"out_time_us=1e9\n", None),
        (b"out_time_us=" + b"9" * 40 + b"\n", None),
        (b"\xff\xfe garbage\n", None),
        (b"", None),
    ],
)
def test_the_progress_parser_reads_ffmpeg_progress_lines(line, seconds):
    assert parse_progress(line) == seconds


def test_progress_bar_shows_percent_and_time_left():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    screen = Tty()
    bar = ProgressBar("session-2.mp4", 200, stream=screen)
    bar.started -= 10  # ten seconds in, a quarter done: thirty seconds left
    bar(50)
    bar(400)  # past the end (ffmpeg may overshoot): capped at 100%
    bar.close()
    first, second = screen.getvalue().split("\r")[1:]
    assert first.startswith("session-2.mp4 [#######.....................]  25.0% 0:30 left")
    assert " 100.0% 0:00 left" in second and screen.getvalue().endswith("\n")


def test_progress_bar_draws_on_a_terminal_only():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    screen = Tty()
    bar = ProgressBar("session-1.mp4", 100, stream=screen)
    bar(50)
    bar.close()
    assert (
        "session-1.mp4 [" in screen.getvalue()
        and " 50.0%" in screen.getvalue()
        and "left" in screen.getvalue()
    )
    quiet = io.StringIO()
    silent = ProgressBar("x", 100, stream=quiet)
    silent(50)
    silent.close()
    assert quiet.getvalue() == ""
    seen = []
    target = Path(os.environ.get("TMPDIR", "/tmp")) / f"progress-test-{os.getpid()}.mp4"
    with output_file(target) as temp:
        import ffmpeg

        stream = ffmpeg.input("testsrc2=size=160x90:rate=10:duration=3", f="lavfi").output(str(temp))
        run(tools(), stream, 30, "progress test", progress=seen.append)
    target.unlink()
    assert seen and max(seen) >= 2.5


# --- check -------------------------------------------------------------------------------------------------


def test_check_reports_ok_missing_and_mismatches(media, capsys):
    manifest = media / "manifest.yaml"
    assert cli("check", "--media", media / "media", "--manifest", manifest) == 0
    out = capsys.readouterr().out
    assert "session-1: ok, 0:00:30, h264 320x180 + aac, 3 chapters" in out
    (media / "media" / "session-2.mp4").unlink()
    assert cli("check", "--media", media / "media", "--manifest", manifest) == 0
    assert "session-2: missing" in capsys.readouterr().out
    manifest.write_text(MANIFEST.replace('duration: "0:30"', 'duration: "0:45"').replace('"0:20"', '"0:32"'))
    assert cli("check", "--media", media / "media", "--manifest", manifest) == 1
    captured = capsys.readouterr()
    problems = [line for line in captured.out.splitlines() if line.startswith("problem:")]
    assert any("is 0:00:30 (30.0 s) long, the manifest says 0:00:45" in p for p in problems)
    assert any(
        ':10:17: session-1 chapter 3 "End -- > here" starts at 0:00:32, past the real end' in p
        for p in problems
    )
    assert "2 problem(s)" in captured.err


def test_bad_manifest_through_the_cli(media, capsys):
    (media / "manifest.yaml").write_text(
        MANIFEST.replace("{start: 12, title: Beta}", "{start: -4, title: Beta}")
    )
    assert cli("check", "--media", media / "media", "--manifest", media / "manifest.yaml") == 1
    err = capsys.readouterr().err
    assert f"{media / 'manifest.yaml'}:18:17:" in err and "is negative" in err
    assert cli() == 2


# --- bad input -------------------------------------------------------------------------------------------


def _break(media_dir, kind):
    """Replace session-1.mp4 with a bad file of the given kind."""
    target = media_dir / "session-1.mp4"
    ffmpeg_bin = find_tools().ffmpeg
    if kind == "not media":
        target.write_text("this is a text file, not a recording\n")
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "corrupt":
        data = bytearray(target.read_bytes())
        data[32:4096] = b"\x55" * (4096 - 32)  # the index (moov, at the front after +faststart) garbled
        target.write_bytes(bytes(data))
    elif kind == "truncated":
        data = target.read_bytes()
        target.write_bytes(data[: int(len(data) * 0.6)])
    elif kind in ("no audio", "no video"):
        flag = "-an" if kind == "no audio" else "-vn"
        temp = media_dir / "temp.mp4"
        subprocess.run(
            [ffmpeg_bin, "-nostdin", "-y", "-v", "error", "-i", str(target), flag, "-c", "copy", str(temp)],
            check=True,
            timeout=30,
        )
        temp.replace(target)
    elif kind == "bad caption":
        (media_dir / "session-1.en.vtt").write_text("Just some notes\nwith no timings at all\n")
    elif kind == "binary caption":
        (media_dir / "session-1.en.vtt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")


@pytest.mark.parametrize(
    "kind, message",
    [
        ("not media", "session-1.mp4: not a media file ffmpeg can read"),
        ("empty", "session-1.mp4: not a media file ffmpeg can read"),
        ("corrupt", "session-1.mp4: not a media file ffmpeg can read"),
        ("truncated", "session-1.mp4: the file is truncated"),
        ("no audio", "session-1.mp4: has no audio stream"),
        ("no video", "session-1.mp4: has no video stream"),
        ("bad caption", "session-1.en.vtt:1: not a WebVTT or SRT caption file"),
        ("binary caption", "session-1.en.vtt: not UTF-8 text"),
    ],
)
def test_bad_input_fails_clearly_and_keeps_what_was_prepared(media, capsys, kind, message):
    out = media / "out"
    args = ("prepare", "--media", media / "media", "--out", out, "--manifest", media / "manifest.yaml")
    assert cli(*args) == 0
    before = {name: (out / name).read_bytes() for name in mtimes(out)}
    capsys.readouterr()
    _break(media / "media", kind)
    os.utime(media / "media" / "session-1.mp4", ns=(1, 1))  # force a re-hash even when the size is unchanged
    if kind.endswith("caption"):
        (media / "manifest.yaml").write_text(MANIFEST.replace("title: Alpha", "title: Alpha 2"))
    assert cli(*args) == 1
    captured = capsys.readouterr()
    assert message in captured.out and "session-1: FAILED" in captured.out
    assert "could not be prepared: session-1" in captured.err and "Traceback" not in captured.err
    after = {name: (out / name).read_bytes() for name in mtimes(out)}
    for name, data in before.items():
        if name.startswith("session-1"):
            assert after[name] == data, name
    assert not [p for p in out.iterdir() if ".partial" in p.name]
    if kind.endswith("caption"):
        assert "session-2: prepared" in captured.out  # the other session still went ahead
    assert cli("check", "--media", media / "media", "--manifest", media / "manifest.yaml") == 1
    checked = capsys.readouterr()
    assert any(
        line.startswith("problem: session-1: ") and message in line for line in checked.out.splitlines()
    )
    assert "session-2: ok" in checked.out and "Traceback" not in checked.err


def test_chapter_past_the_real_end_names_the_file_and_the_manifest_line(media, capsys):
    (media / "manifest.yaml").write_text(
        MANIFEST.replace('duration: "0:30"', 'duration: "0:45"').replace('"0:20"', '"0:35"')
    )
    args = (
        "prepare",
        "--media",
        media / "media",
        "--out",
        media / "out",
        "--manifest",
        media / "manifest.yaml",
    )
    assert cli(*args) == 1
    out = capsys.readouterr().out
    assert 'session-1.mp4: chapter 3 "End -- > here" starts at 0:00:35, past the end of the recording' in out
    assert f"set at {media / 'manifest.yaml'}:10:17" in out
    assert not list((media / "out").glob("session-1*"))


def test_hostile_paths_spaces_quotes_unicode_leading_dash_and_percent(media, capsys):
    odd = media / "-odd dir 'quoted' été: x"
    shutil.copytree(media / "media", odd)
    for name in ("session-1.mp4", "session-1.en.vtt"):
        (odd / name).rename(odd / ("-" + name.replace("session-1", 'séance 1 "a"')))
    text = MANIFEST.replace("source: session-1.mp4", "source: '-séance 1 \"a\".mp4'")
    text = text.replace("{en: session-1.en.vtt}", "{en: '-séance 1 \"a\".en.vtt'}")
    (media / "manifest.yaml").write_text(text, encoding="utf-8")
    out = media / "out %d 'x'"
    assert cli("prepare", "--media", odd, "--out", out, "--manifest", media / "manifest.yaml") == 0
    assert len(list(out.glob("session-1.poster-*.jpg"))) == 3
    assert len(probe(tools(), out / "session-1.mp4").chapters) == 3
    assert (out / "session-1.en.vtt").is_file()
    assert cli("check", "--media", odd, "--manifest", media / "manifest.yaml") == 0
    assert cli("prepare", "--media", media / "no such folder", "--out", out) == 1
    assert "no such media folder" in capsys.readouterr().err


def test_console_entry_runs_without_a_shell(media):
    """The real command line, in a child process: exit status and one-line errors."""
    code = "import sys; from scripts.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "media",
            "check",
            "--media",
            str(media / "media"),
            "--manifest",
            str(media / "x"),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )
    assert done.returncode == 1 and "cannot read the file" in done.stderr and "Traceback" not in done.stderr
