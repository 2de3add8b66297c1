"""``media prepare``: from each recording present, the files the course serves.

Per session ``ID``: ``ID.poster-NN.jpg`` (one per chapter, taken by input seeking), ``ID.chapters.vtt``,
``ID.<lang>.vtt`` (captions, SRT converted), ``ID.mp4`` (H.264/AAC, ``+faststart``, chapters in its
metadata; stream copy when the source already is H.264/AAC, a transcode otherwise) and optional renditions
``ID.<height>p.mp4``. Each step records a fingerprint (content hash of the source, the chapter list...) in
``.prepared/ID.json``; a step whose fingerprint and output are unchanged is skipped, so a second run does
nothing and a changed chapter redoes only that session's posters, chapter track and metadata.
Nothing already prepared is replaced by a failed step: outputs are written to a temporary name, checked,
then renamed.
"""

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import ffmpeg

from media_manifest.tools import (
    MediaError,
    check_end_readable,
    media_arg,
    output_file,
    probe,
    probe_chapters,
    run,
    single_thread_input,
)
from media_manifest.vtt import CaptionError, caption_to_vtt, chapters_vtt
from xblocks.common.chapters import chapter_bounds, check_chapters
from xblocks.common.timecode import format_time

STATE_DIR = ".prepared"
POSTER_MAX_WIDTH = 1280
POSTERS_PER_CALL = 10
RENDITIONS = {"360p": 360, "480p": 480, "720p": 720, "1080p": 1080}
DURATION_TOLERANCE = 2.0
CHAPTER_TOLERANCE = 0.002  # FFMETADATA times are whole milliseconds
_VERSION = "1"  # bump when the way outputs are made changes


@dataclass
class SessionResult:
    """What ``prepare`` did for one session: ``status`` is prepared, up to date, missing, hosted or failed."""

    id: str
    status: str
    done: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


def file_sha256(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def ffmetadata(title, chapters, duration):
    """The FFMETADATA1 text that puts ``chapters`` (and the title) into a file's metadata."""

    def esc(text):
        text = str(text)
        for char in ("\\", "=", ";", "#"):
            text = text.replace(char, "\\" + char)
        return text.replace("\n", "\\\n")

    lines = [";FFMETADATA1", f"title={esc(title)}", ""]
    for chapter, (start, end) in zip(chapters, chapter_bounds(chapters, duration), strict=True):
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={int(round(start * 1000))}",
            f"END={int(round(end * 1000))}",
            f"title={esc(chapter.title)}",
            "",
        ]
    return "\n".join(lines)


class _State:
    """The per-session record of what each output was made from."""

    def __init__(self, out, session_id):
        self.path = Path(out) / STATE_DIR / f"{session_id}.json"
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self.data, dict) or not isinstance(self.data.get("steps"), dict):
                raise ValueError
        except (OSError, ValueError):
            self.data = {"steps": {}, "source": {}}
        self.rehashed = False

    def source_hash(self, source):
        """The source's content hash, reusing the recorded one while size and mtime are unchanged."""
        stat = source.stat()
        known = self.data.get("source", {})
        if (
            known.get("size") == stat.st_size
            and known.get("mtime_ns") == stat.st_mtime_ns
            and known.get("sha256")
        ):
            return known["sha256"]
        digest = file_sha256(source)
        self.data["source"] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        self.rehashed = True
        return digest

    def is_done(self, step, fingerprint, outputs):
        if self.data["steps"].get(step) == _skipped(fingerprint):
            return True
        return self.data["steps"].get(step) == fingerprint and all(Path(p).is_file() for p in outputs)

    def record(self, step, fingerprint, made_from=None):
        """Note that ``step`` was made from ``fingerprint``; ``made_from`` is its readable form."""
        self.data["steps"][step] = fingerprint
        if made_from is not None:
            self.data.setdefault("made_from", {})[step] = made_from
        self.save()

    def save(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.partial")
        temp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temp, self.path)


def _skipped(fingerprint):
    """What the state holds for a step that has nothing to make (a rendition taller than the source)."""
    return f"skipped:{fingerprint}"


def _timeout(duration, per_second, floor):
    return max(floor, duration * per_second)


def write_posters(tools, source, starts, targets, width, timeout=120):
    """One JPEG per start time, each by input seeking (``-ss`` before ``-i``), in few ffmpeg calls."""
    for first in range(0, len(starts), POSTERS_PER_CALL):
        batch = list(
            zip(
                starts[first : first + POSTERS_PER_CALL],
                targets[first : first + POSTERS_PER_CALL],
                strict=True,
            )
        )
        with contextlib.ExitStack() as stack:
            outputs = []
            for start, target in batch:
                temp = stack.enter_context(output_file(target))
                video = ffmpeg.input(media_arg(source), ss=f"{start:.3f}").video
                if width > POSTER_MAX_WIDTH:
                    video = video.filter("scale", POSTER_MAX_WIDTH, -2)
                outputs.append(video.output(media_arg(temp), vframes=1, update=1, **{"q:v": 3}))
            run(tools, ffmpeg.merge_outputs(*outputs), timeout, f"{source}: posters")


def write_chaptered_mp4(tools, source, info, title, chapters, target, height=None, progress=None):
    """Write ``source`` as a web MP4 with chapters in its metadata; "stream copy" or "transcode".

    ``info`` is the source's probe (made once by the caller, not repeated here). One ffmpeg call writes
    the file: FFMETADATA as a second input gives the title and chapters, and ``+faststart`` has ffmpeg
    move the index to the front itself. The result is then checked from its header alone: the chapters
    at the right times and the source's duration, before it replaces anything.
    """
    copy = height is None and info.video_codec == "h264" and info.audio_codec == "aac"
    with tempfile.TemporaryDirectory(prefix="chapters-") as folder:
        meta = Path(folder) / "chapters.txt"
        meta.write_text(ffmetadata(title, chapters, info.duration), encoding="utf-8")
        threads = single_thread_input(tools)
        media = ffmpeg.input(media_arg(source), **threads)
        metadata = ffmpeg.input(media_arg(meta), f="ffmetadata", **threads)
        video, audio = media["v:0"], media["a:0"]
        options = {"map_metadata": 1, "map_chapters": 1, "movflags": "+faststart"}
        if copy:
            options["c"] = "copy"
            timeout = _timeout(info.duration, 0.05, 120)
        else:
            if height is not None:
                video = video.filter("scale", -2, height)
            options.update(vcodec="libx264", preset="veryfast", crf=23, pix_fmt="yuv420p")
            options.update(acodec="aac", audio_bitrate="128k" if height is None or height >= 720 else "96k")
            timeout = _timeout(info.duration, 3.0, 300)
        with output_file(target) as temp:
            # The metadata input only feeds -map_metadata/-map_chapters; "d?" maps its (absent) data
            # streams optionally, which is how ffmpeg-python keeps the input in the command.
            stream = ffmpeg.output(video, audio, metadata["d?"], media_arg(temp), **options)
            run(tools, stream, timeout, f"{source}: web MP4", progress=progress)
            made = probe_chapters(tools, temp)
            if len(made.chapters) != len(chapters):
                raise MediaError(
                    f"{target}: written with {len(made.chapters)} chapters instead of {len(chapters)}"
                )
            for number, (chapter, (start, _, _)) in enumerate(zip(chapters, made.chapters, strict=True), 1):
                if abs(start - chapter.start) > CHAPTER_TOLERANCE:
                    raise MediaError(
                        f"{target}: chapter {number} was written at {start:.3f} s instead of "
                        f"{chapter.start:.3f} s"
                    )
            if abs(made.duration - info.duration) > max(0.5, 2.0 / (info.fps or 25)):
                raise MediaError(
                    f"{target}: came out {made.duration:.2f} s long instead of {info.duration:.2f} s"
                )
    return "stream copy" if copy else "transcode"


def prepare_all(tools, manifest, media_dir, out, renditions=(), progress=None, report=print):
    """Prepare every session whose recording is present; a ``SessionResult`` per session."""
    media_dir, out = Path(media_dir), Path(out)
    if not media_dir.is_dir():
        raise MediaError(f"{media_dir}: no such media folder")
    unknown = [r for r in renditions if r not in RENDITIONS]
    if unknown:
        raise MediaError(f"unknown rendition {unknown[0]!r}: choose from {', '.join(RENDITIONS)}")
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for session in manifest.sessions:
        started = time.perf_counter()
        try:
            result = prepare_session(tools, session, media_dir, out, renditions, progress)
        except (MediaError, CaptionError) as err:
            result = SessionResult(session.id, "failed", error=str(err))
        result.seconds = time.perf_counter() - started
        results.append(result)
        report(describe(result))
    if results and all(r.status in ("missing", "hosted") for r in results):
        report(f"nothing prepared: no recording of the manifest is in {media_dir}")
    elif results and all(r.status in ("up to date", "missing", "hosted") for r in results):
        report("nothing to do: every recording present is already prepared and unchanged")
    return results


def describe(result):
    if result.status == "failed":
        return f"{result.id}: FAILED: {result.error}"
    if result.status == "prepared":
        notes = f" ({'; '.join(result.notes)})" if result.notes else ""
        return f"{result.id}: prepared {', '.join(result.done)} in {result.seconds:.1f} s{notes}"
    notes = f" ({'; '.join(result.notes)})" if result.notes else ""
    return f"{result.id}: {result.status}{notes}"


def prepare_session(tools, session, media_dir, out, renditions=(), progress=None):
    """Bring one session's outputs up to date (see the module docstring)."""
    if session.is_url:
        return SessionResult(session.id, "hosted", notes=[f"served from {session.source}"])
    source = media_dir / session.source
    if not source.is_file():
        return SessionResult(session.id, "missing", notes=[f"no {source}"])
    state = _State(out, session.id)
    result = SessionResult(session.id, "prepared")
    source_hash = state.source_hash(source)
    chapter_list = [[c.start, c.title] for c in session.chapters]
    chapters_fp = _fingerprint(chapter_list)
    posters = [out / f"{session.id}.poster-{i + 1:02d}.jpg" for i in range(len(session.chapters))]
    mp4 = out / f"{session.id}.mp4"
    chapters_file = out / f"{session.id}.chapters.vtt"
    # What each output is made from, in readable form (the state file keeps it beside the fingerprints).
    origin = {"file": session.source, "sha256": source_hash, "size": source.stat().st_size}
    listed = [{"start": start, "title": title} for start, title in chapter_list]
    made_from = {
        "mp4": {"source": origin, "title": session.title, "chapters": listed},
        "posters": {"source": origin, "starts": [c.start for c in session.chapters]},
        "chapters": {"source": origin, "chapters": listed},
    }
    steps = {
        "mp4": (_fingerprint(_VERSION, source_hash, chapters_fp, session.title), [mp4]),
        "posters": (_fingerprint(_VERSION, source_hash, [c.start for c in session.chapters]), posters),
        "chapters": (_fingerprint(_VERSION, source_hash, chapters_fp), [chapters_file]),
    }
    for name in renditions:
        target = out / f"{session.id}.{name}.mp4"
        step = f"rendition-{name}"
        steps[step] = (_fingerprint(_VERSION, source_hash, chapters_fp, session.title, name), [target])
        made_from[step] = {**made_from["mp4"], "height": RENDITIONS[name]}
        if state.data["steps"].get(step) == _skipped(steps[step][0]):
            result.notes.append(_no_upscale(name, state.data.get("height")))
    captions = {}
    for lang, relative in sorted(session.captions.items()):
        path = media_dir / relative
        if relative.startswith("https://"):
            result.notes.append(f"{lang} captions hosted at {relative}")
        elif not path.is_file():
            result.notes.append(f"no {lang} captions at {path}")
        else:
            captions[lang] = path
            caption_hash = file_sha256(path)
            steps[f"captions-{lang}"] = (
                _fingerprint(_VERSION, caption_hash, source_hash),
                [out / f"{session.id}.{lang}.vtt"],
            )
            made_from[f"captions-{lang}"] = {
                "source": origin,
                "captions": {"file": relative, "sha256": caption_hash},
            }
    todo = {name: step for name, step in steps.items() if not state.is_done(name, *step)}
    if not todo:
        if state.rehashed:
            state.save()  # the same content under a new date: remember it, so the next run reads nothing
        return SessionResult(session.id, "up to date", notes=result.notes)

    # Check everything before writing anything.
    info = probe(tools, source)
    if info.video_codec is None:
        raise MediaError(f"{source}: has no video stream (a recording needs picture and sound)")
    if info.audio_codec is None:
        raise MediaError(f"{source}: has no audio stream (a recording needs picture and sound)")
    check_end_readable(tools, info)
    state.data["height"] = info.height
    for problem in check_chapters(session.chapters, info.duration):
        mark = session.chapter_mark(problem.index) if problem.index is not None else session.mark("chapters")
        raise MediaError(
            f"{source}: {problem.message} (set at {mark}); the file is {format_time(info.duration)} long"
        )
    if abs(info.duration - session.duration) > DURATION_TOLERANCE:
        result.notes.append(
            f"the file is {format_time(info.duration)} long, the manifest says {session.duration_text}"
        )
    converted = {}
    for lang, path in captions.items():
        if f"captions-{lang}" in todo:
            converted[lang] = caption_to_vtt(path, info.duration)[0]

    if "posters" in todo:
        write_posters(tools, source, [c.start for c in session.chapters], posters, info.width)
        for stale in out.glob(f"{session.id}.poster-*.jpg"):
            if stale not in posters:
                stale.unlink()
        state.record("posters", todo["posters"][0], made_from["posters"])
        result.done.append(f"{len(posters)} posters")
    if "chapters" in todo:
        _write_text(chapters_file, chapters_vtt(session.chapters, info.duration))
        state.record("chapters", todo["chapters"][0], made_from["chapters"])
        result.done.append(chapters_file.name)
    for lang, text in converted.items():
        _write_text(out / f"{session.id}.{lang}.vtt", text)
        state.record(f"captions-{lang}", todo[f"captions-{lang}"][0], made_from[f"captions-{lang}"])
        result.done.append(f"{session.id}.{lang}.vtt")
    if "mp4" in todo:
        bar = progress(mp4.name, info.duration) if progress else None
        try:
            method = write_chaptered_mp4(
                tools, source, info, session.title, session.chapters, mp4, progress=bar
            )
        finally:
            if bar:
                bar.close()
        state.record("mp4", todo["mp4"][0], made_from["mp4"])
        result.done.append(f"{mp4.name} ({method})")
    for name in renditions:
        step = f"rendition-{name}"
        if step not in todo:
            continue
        if RENDITIONS[name] > info.height:  # never upscale: a taller copy only costs bytes
            state.record(step, _skipped(todo[step][0]), made_from[step])
            result.notes.append(_no_upscale(name, info.height))
            continue
        target = todo[step][1][0]
        bar = progress(target.name, info.duration) if progress else None
        try:
            write_chaptered_mp4(
                tools, source, info, session.title, session.chapters, target, RENDITIONS[name], progress=bar
            )
        finally:
            if bar:
                bar.close()
        state.record(step, todo[step][0], made_from[step])
        result.done.append(target.name)
    if not result.done:
        result.status = "up to date"
    return result


def _no_upscale(name, height):
    return f"no {name} rendition: the recording is only {height or 'a few'} px high"


def _write_text(path, text):
    temp = path.with_name(f".{path.name}.partial")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
