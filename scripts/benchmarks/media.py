"""Media pipeline benchmark: posters, chapter metadata and ``prepare`` on generated 90-minute stand-ins.

Every target is a ratio against a floor measured in the same run on the same file:
- posters for 10 chapters by input seeking vs the naive way (``-ss`` after ``-i``): >= 30x faster;
- the same posters vs ten single-frame input-seek reads (separate processes): within 2x;
- chapter metadata by stream copy vs ffmpeg's own ``-c copy -f null`` pass: within 3x;
- ``prepare`` on all five stand-ins end to end, in seconds beside five such passes (reported only).
"""

import statistics
import tempfile
import time
from pathlib import Path

import ffmpeg

from media_manifest.manifest import Manifest, Session, load_manifest
from media_manifest.prepare import prepare_all, write_chaptered_mp4, write_posters
from media_manifest.standins import make_stand_in, stand_in_captions
from media_manifest.tools import find_tools, media_arg, probe
from media_manifest.tools import run as run_ffmpeg
from scripts.benchmarks import Row
from scripts.benchmarks.common import median_of
from xblocks.common.chapters import Chapter

AREA = "media"
LONG_SECONDS = 90 * 60
NAIVE_SAMPLE = 3  # naive posters measured (each decodes from the start), then scaled to ten
BENCH_FPS = 10  # nearer a real recording than the 2 fps preview stand-ins (decoding cost is per frame)
SIDE_BY_SIDE = 5  # alternated runs of the copy pass and the chapter write (the machine is shared)


def _chapters(duration, count=10):
    step = duration / count
    return [Chapter(start=round(i * step, 3), title=f"Chapter {i + 1}", estimated=True) for i in range(count)]


def _timed(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _copy_pass(tools, source):
    stream = ffmpeg.input(media_arg(source)).output("-", f="null", c="copy")
    run_ffmpeg(tools, stream, 300, f"{source}: copy pass")


def _naive_poster(tools, source, start, target):
    stream = ffmpeg.input(media_arg(source)).video.output(
        media_arg(target), ss=f"{start:.3f}", vframes=1, update=1
    )
    run_ffmpeg(tools, stream, 600, f"{source}: naive poster")


def _single_seek_read(tools, source, start):
    stream = ffmpeg.input(media_arg(source), ss=f"{start:.3f}").video.output("-", f="null", vframes=1)
    run_ffmpeg(tools, stream, 60, f"{source}: single-frame read")


def run_bench(quick=False):
    tools = find_tools()
    seconds = 10 * 60 if quick else LONG_SECONDS
    rows = []
    with tempfile.TemporaryDirectory(prefix="media-bench-") as work:
        work = Path(work)
        source = work / "long.mp4"
        made = _timed(lambda: make_stand_in(tools, source, seconds, "Benchmark stand-in", fps=BENCH_FPS))
        rows.append(
            Row(
                AREA,
                f"generate a {seconds // 60}-minute stand-in at {BENCH_FPS} fps",
                f"{made:.1f} s",
                "< 60 s",
                made < 60,
            )
        )
        info = probe(tools, source)
        chapters = _chapters(info.duration)
        starts = [c.start for c in chapters]
        posters = [work / f"poster-{i:02d}.jpg" for i in range(len(starts))]

        ours = median_of(lambda: write_posters(tools, source, starts, posters, info.width), repeat=3)
        sample = starts[-NAIVE_SAMPLE:]  # the late chapters: the naive way decodes everything before them
        naive_sample = _timed(lambda: [_naive_poster(tools, source, s, work / "naive.jpg") for s in sample])
        naive = naive_sample / sum(sample) * sum(starts)  # decoding cost grows with the start time
        rows.append(
            Row(
                AREA,
                "10 posters by input seeking vs naive -ss after -i (naive measured on the last "
                f"{NAIVE_SAMPLE} chapters, {naive_sample:.1f} s, scaled by start time)",
                f"{ours:.2f} s vs {naive:.1f} s = {naive / ours:.0f}x",
                ">= 30x faster",
                naive / ours >= 30,
            )
        )
        single = median_of(lambda: [_single_seek_read(tools, source, s) for s in starts], repeat=3)
        rows.append(
            Row(
                AREA,
                "10 posters vs ten single-frame input-seek reads",
                f"{ours:.2f} s vs {single:.2f} s = {ours / single:.2f}x",
                "<= 2x",
                ours / single <= 2,
            )
        )

        target = work / "chaptered.mp4"
        floor, remux = _side_by_side(
            lambda: _copy_pass(tools, source),
            lambda: write_chaptered_mp4(tools, source, info, "Benchmark", chapters, target),
        )
        rows.append(
            Row(
                AREA,
                "chapter metadata by stream copy (+faststart, verified) vs -c copy -f null "
                f"(median of {SIDE_BY_SIDE} alternated runs each)",
                f"{remux:.2f} s vs {floor:.2f} s = {remux / floor:.1f}x",
                "<= 3x",
                remux / floor <= 3,
            )
        )

        media = work / "media"
        media.mkdir()
        manifest = load_manifest()
        sessions = []
        for session in manifest.sessions:
            length = session.duration if not quick else seconds
            label = f"Session {session.id.rsplit('-', 1)[-1]} stand-in"
            make_stand_in(tools, media / session.source, length, label)
            short = session if not quick else _scaled(session, length)
            (media / f"{session.id}.en.vtt").write_text(stand_in_captions(short, length), encoding="utf-8")
            sessions.append(short)
        five = Manifest(path=manifest.path, sessions=sessions)
        out = work / "prepared"
        total = _timed(lambda: prepare_all(tools, five, media, out, report=lambda line: None))
        floor_five = sum(
            median_of(lambda s=s: _copy_pass(tools, media / s.source), repeat=1) for s in sessions
        )
        rows.append(
            Row(
                AREA,
                f"prepare all five stand-ins end to end ({sum(len(s.chapters) for s in sessions)} posters, "
                "chapter tracks, captions, chaptered MP4s)",
                f"{total:.1f} s (five -c copy -f null passes: {floor_five:.1f} s)",
                "seconds (reported)",
                None,
            )
        )
        again = _timed(lambda: prepare_all(tools, five, media, out, report=lambda line: None))
        rows.append(Row(AREA, "prepare again with nothing changed", f"{again:.2f} s", "< 2 s", again < 2))
    return rows


def _side_by_side(floor, ours, rounds=None):
    """Median seconds of ``floor`` and of ``ours``, run in turn so both see the same load on the machine."""
    times = ([], [])
    for _ in range(rounds or SIDE_BY_SIDE):
        for func, seen in zip((floor, ours), times, strict=True):
            seen.append(_timed(func))
    return statistics.median(times[0]), statistics.median(times[1])


def _scaled(session, length):
    """The session with chapters squeezed into ``length`` seconds (quick mode only)."""
    factor = length / session.duration
    chapters = [
        Chapter(round(c.start * factor, 3), c.title, c.summary, c.estimated) for c in session.chapters
    ]
    return Session(
        session.id, session.title, length, session.source, session.captions, chapters, session.marks
    )


def run(quick=False):
    """The bench runner's entry point."""
    return run_bench(quick=quick)
