"""Stand-in recordings: the manifest's exact lengths, a visible label and running clock, a tone, captions.

The fast way (REFERENCE.md): the tone is encoded once as a short piece and repeated to full length by the
concat demuxer with stream copy; the picture is a flat background with the label and a clock drawn at a
low frame rate, so a 90-minute stand-in takes a few seconds and its clock is right everywhere (a poster
taken at a chapter start shows that chapter's time).
"""

import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from media_manifest.tools import MediaError, media_arg, output_file, probe, run
from media_manifest.vtt import Cue, escape_cue_text, write_srt, write_vtt
from xblocks.common.chapters import chapter_bounds
from xblocks.common.timecode import format_time

SIZE = (320, 180)
FPS = 2  # frames per second of session stand-ins: the clock ticks once a second
KEYFRAME_SECONDS = 10
TONE_PIECE_SECONDS = 60
CAPTION_EVERY = 10
DEMO_CLIP_SECONDS = 120
DEMO_FPS = 10
HLS_SEGMENT_SECONDS = 10  # a keyframe every 10 s in the demo clip: each segment starts on one


@dataclass
class Written:
    path: Path
    skipped: bool = False


def _tone_piece(tools, folder, seconds):
    """A short AAC tone, and a concat list that repeats it past ``seconds`` (copied, never re-encoded)."""
    piece = Path(folder) / "tone.m4a"
    if not piece.exists():
        with output_file(piece) as temp:
            stream = ffmpeg.input(
                f"sine=frequency=440:sample_rate=22050:duration={TONE_PIECE_SECONDS}", f="lavfi"
            ).output(media_arg(temp), acodec="aac", audio_bitrate="16k", ac=1)
            run(tools, stream, 120, "stand-in tone")
    repeats = int(seconds // TONE_PIECE_SECONDS) + 2
    listing = Path(folder) / f"tone-{repeats}.txt"
    quoted = str(piece.resolve()).replace("'", "'\\''")
    listing.write_text("ffconcat version 1.0\n" + f"file '{quoted}'\n" * repeats, encoding="utf-8")
    return listing


def make_stand_in(tools, target, seconds, label, fps=FPS, size=SIZE, work=None, progress=None):
    """Write an H.264/AAC stand-in of exactly ``seconds`` to ``target`` with ``label`` and a running clock."""
    target = Path(target)
    with (
        tempfile.TemporaryDirectory(prefix="stand-in-")
        if work is None
        else contextlib.nullcontext(work) as folder
    ):
        listing = _tone_piece(tools, folder, seconds)
        for with_text in (True, False):
            video = ffmpeg.input(
                f"color=c=0x1d3557:size={size[0]}x{size[1]}:rate={fps}:duration={seconds:.3f}", f="lavfi"
            )
            if with_text:
                # Text through files: no filter-graph escaping to get wrong, whatever the label holds.
                label_file, clock_file = Path(folder) / "label.txt", Path(folder) / "clock.txt"
                label_file.write_text(label, encoding="utf-8")
                clock_file.write_text("%{pts:hms}", encoding="utf-8")
                video = video.drawtext(
                    textfile=str(label_file),
                    x="(w-tw)/2",
                    y="h/4",
                    fontsize=max(12, size[1] // 8),
                    fontcolor="white",
                ).drawtext(
                    textfile=str(clock_file),
                    x="(w-tw)/2",
                    y="h/2",
                    fontsize=max(14, size[1] // 6),
                    fontcolor="0xffd166",
                )
            audio = ffmpeg.input(media_arg(listing), f="concat", safe=0)
            with output_file(target) as temp:
                stream = ffmpeg.output(
                    video,
                    audio.audio,
                    media_arg(temp),
                    t=f"{seconds:.3f}",
                    vcodec="libx264",
                    preset="ultrafast",
                    g=max(1, int(fps * KEYFRAME_SECONDS)),
                    pix_fmt="yuv420p",
                    acodec="copy",
                    movflags="+faststart",
                )
                try:
                    run(tools, stream, max(120.0, seconds / 20), f"{target}: stand-in", progress=progress)
                except MediaError as err:
                    if with_text and ("drawtext" in str(err) or "font" in str(err).lower()):
                        continue  # no usable font on this machine: the stand-in goes without its label
                    raise
            return target
    return target


def stand_in_captions(session, seconds):
    """English stand-in captions: a cue every 10 s naming the chapter it falls in (for transcript search)."""
    bounds = chapter_bounds(session.chapters, session.duration)
    number = session.id.rsplit("-", 1)[-1]
    cues = []
    start = 0
    index = 0
    while start < seconds:
        end = min(seconds, start + CAPTION_EVERY)
        while index + 1 < len(bounds) and start >= bounds[index + 1][0]:
            index += 1
        title = session.chapters[index].title
        text = (
            f"Session {number} stand-in, {title}: caption line {len(cues) + 1} at {format_time(start)} "
            f"(placeholder text until the real captions are added)."
        )
        cues.append(Cue(start, end, escape_cue_text(text)))
        start += CAPTION_EVERY
    return write_vtt(cues)


def _demo_cues(seconds):
    return [
        Cue(start, min(seconds, start + 10), f"Stand-in caption {i + 1}: partnership line at {start} seconds")
        for i, start in enumerate(range(0, seconds, 10))
    ]


def demo_captions(seconds=DEMO_CLIP_SECONDS):
    return write_vtt(_demo_cues(seconds))


def demo_srt(seconds=DEMO_CLIP_SECONDS):
    """The demo captions as SubRip (``demo-clip.en.srt``: the preview's SubRip scenario reads it)."""
    return write_srt(_demo_cues(seconds))


def make_hls(tools, source, playlist, segment_seconds=HLS_SEGMENT_SECONDS):
    """An HLS stand-in of ``source`` by stream copy (never re-encoded): ``playlist`` and its MPEG-TS
    segments ``<stem>-NNN.ts`` beside it. Written in a temporary folder, then moved in segments first,
    so a playlist in place always names segments that are there. Returns the paths written."""
    playlist = Path(playlist)
    playlist.parent.mkdir(parents=True, exist_ok=True)
    # Built in the system's temporary folder: a "%" in the output folder's name would be read as a
    # segment-number pattern by ffmpeg.
    with tempfile.TemporaryDirectory(prefix="hls-") as work:
        temp = Path(work) / playlist.name
        stream = ffmpeg.input(media_arg(source)).output(
            media_arg(temp),
            c="copy",
            f="hls",
            hls_time=segment_seconds,
            hls_list_size=0,
            hls_playlist_type="vod",
            hls_segment_filename=str(Path(work).resolve() / f"{playlist.stem}-%03d.ts"),
        )
        run(tools, stream, 120, f"{playlist}: HLS stand-in")
        segments = sorted(Path(work).glob(f"{playlist.stem}-*.ts"))
        if not temp.is_file() or not segments:
            raise MediaError(f"{playlist}: ffmpeg reported success but wrote no HLS playlist or segment")
        for old in playlist.parent.glob(f"{playlist.stem}-*.ts"):
            old.unlink()
        for segment in segments:
            shutil.move(segment, playlist.parent / segment.name)
        shutil.move(temp, playlist)
        return [*(playlist.parent / s.name for s in segments), playlist]


def _hls_present(playlist):
    """True when ``playlist`` is there and every segment it names is too."""
    text = _read_text(playlist)
    if not text or not text.startswith("#EXTM3U"):
        return False
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return bool(names) and all((playlist.parent / name).is_file() for name in names)


def _demo_extras(tools, out, remake_hls, report):
    """``demo-clip.en.srt`` and the HLS stand-in ``demo-clip.m3u8`` (from the demo clip, by stream copy)."""
    written = []
    srt = out / "demo-clip.en.srt"
    text = demo_srt(DEMO_CLIP_SECONDS)
    if _read_text(srt) == text:
        written.append(Written(srt, True))
    else:
        _write_text(srt, text)
        written.append(Written(srt))
    playlist = out / "demo-clip.m3u8"
    if not remake_hls and _hls_present(playlist):
        report(f"{playlist}: already there, kept")
        return [*written, Written(playlist, True)]
    files = make_hls(tools, out / "demo-clip.mp4", playlist)
    report(f"{playlist}: HLS stand-in written ({len(files) - 1} segments, stream copy), with {srt.name}")
    return [*written, Written(playlist)]


def _present(tools, path, seconds):
    """True when ``path`` already holds a stand-in of about ``seconds``."""
    try:
        return abs(probe(tools, path).duration - seconds) <= 1.0
    except MediaError:
        return False


def _read_text(path):
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write_text(path, text):
    temp = path.with_name(f".{path.name}.partial")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def make_stand_ins(tools, manifest, out, max_seconds=None, if_missing=False, report=print, progress=None):
    """Every session's stand-in and captions, plus the 120 s demo clip with its WebVTT and SubRip captions
    and an HLS stand-in made from it by stream copy; returns the ``Written`` files."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if max_seconds is not None and max_seconds <= 0:
        raise MediaError(f"--max-seconds must be more than 0, not {max_seconds}")
    written = []
    remake_hls = True
    jobs = [(s.id, s.duration, f"{s.title}", s) for s in manifest.sessions]
    jobs.append(("demo-clip", float(DEMO_CLIP_SECONDS), "Demo clip", None))
    with tempfile.TemporaryDirectory(prefix="stand-ins-") as work:
        for name, duration, _title, session in jobs:
            seconds = (
                duration if session is None or max_seconds is None else min(duration, float(max_seconds))
            )
            video, captions = out / f"{name}.mp4", out / f"{name}.en.vtt"
            if session is None:
                label, fps, text = "Demo clip stand-in", DEMO_FPS, demo_captions(DEMO_CLIP_SECONDS)
            else:
                label = f"Session {session.id.rsplit('-', 1)[-1]} stand-in"
                fps, text = FPS, stand_in_captions(session, seconds)
            if session is None:
                remake_hls = not (if_missing and _present(tools, video, seconds))
            if if_missing and _present(tools, video, seconds):
                # the captions name the chapters: rewrite them (cheap) when the manifest's titles changed
                if _read_text(captions) == text:
                    report(f"{video}: already there, kept")
                    written += [Written(video, True), Written(captions, True)]
                else:
                    _write_text(captions, text)
                    report(f"{video}: already there, kept; {captions.name} rewritten from the manifest")
                    written += [Written(video, True), Written(captions)]
                continue
            bar = progress(f"{name}.mp4", seconds) if progress else None
            make_stand_in(tools, video, seconds, label, fps=fps, work=work, progress=bar)
            if bar:
                bar.close()
            _write_text(captions, text)
            report(f"{video}: {format_time(seconds)} stand-in written, with {captions.name}")
            written += [Written(video), Written(captions)]
        written += _demo_extras(tools, out, remake_hls, report)
    return written


__all__ = ["make_hls", "make_stand_in", "make_stand_ins", "stand_in_captions"]
