"""Choosing the ffmpeg/ffprobe binaries and running them safely through ffmpeg-python.

Choice order: the ``FFMPEG``/``FFPROBE`` environment variables, then the binaries on ``PATH``, then the
static ffmpeg shipped in the ``imageio-ffmpeg`` wheel (it has no ffprobe: ``probe`` then reads what
``ffmpeg -i`` prints). Every run passes the chosen binary as ``cmd=``, adds ``-nostdin -y``, never involves a
shell, has a timeout, and writes to a temporary name that is renamed only once the output really exists.
"""

import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import ffmpeg

PROBE_TIMEOUT = 60


class MediaError(Exception):
    """A media problem the user can fix, as one clear sentence naming the file."""


@dataclass(frozen=True)
class Tools:
    """The binaries in use; ``ffprobe`` is None when probing goes through ffmpeg itself."""

    ffmpeg: str
    ffmpeg_from: str
    ffprobe: str | None = None
    ffprobe_from: str = "not found"


def _executable(path, variable):
    path = Path(path).expanduser()
    if not path.is_file():
        raise MediaError(f"{variable}={path} is not a file: point it at an ffmpeg binary or unset it")
    if not os.access(path, os.X_OK):
        raise MediaError(f"{variable}={path} is not executable")
    return str(path.resolve())


def find_tools(env=None):
    """The binaries to use, following the documented order; MediaError when there is no ffmpeg at all."""
    env = os.environ if env is None else env
    if env.get("FFMPEG"):
        ffmpeg_path, ffmpeg_from = _executable(env["FFMPEG"], "FFMPEG"), "FFMPEG environment variable"
    elif shutil.which("ffmpeg", path=env.get("PATH")):
        ffmpeg_path, ffmpeg_from = str(Path(shutil.which("ffmpeg", path=env.get("PATH"))).resolve()), "PATH"
    else:
        try:
            import imageio_ffmpeg

            ffmpeg_path, ffmpeg_from = imageio_ffmpeg.get_ffmpeg_exe(), "imageio-ffmpeg wheel"
        except (ImportError, RuntimeError):
            raise MediaError(
                "no ffmpeg found: install the Debian ffmpeg package, pip install imageio-ffmpeg, "
                "or set FFMPEG=/path/to/ffmpeg"
            )
    if "FFPROBE" in env:
        if not env["FFPROBE"]:
            return Tools(ffmpeg_path, ffmpeg_from, None, "disabled: FFPROBE is empty")
        return Tools(
            ffmpeg_path, ffmpeg_from, _executable(env["FFPROBE"], "FFPROBE"), "FFPROBE environment variable"
        )
    if env.get("FFMPEG"):
        sibling = Path(ffmpeg_path).with_name("ffprobe")
        if sibling.is_file() and os.access(sibling, os.X_OK):
            return Tools(ffmpeg_path, ffmpeg_from, str(sibling), "beside FFMPEG")
        return Tools(ffmpeg_path, ffmpeg_from, None, "none beside FFMPEG")
    found = shutil.which("ffprobe", path=env.get("PATH"))
    if found:
        return Tools(ffmpeg_path, ffmpeg_from, str(Path(found).resolve()), "PATH")
    return Tools(ffmpeg_path, ffmpeg_from, None, "none on PATH")


def version(binary, timeout=20):
    """The first line of ``binary -version``; MediaError when it does not run."""
    try:
        done = subprocess.run(
            [binary, "-version"], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
    except FileNotFoundError:
        raise MediaError(f"{binary} does not exist")
    except PermissionError:
        raise MediaError(f"{binary} is not executable")
    except OSError as err:
        raise MediaError(f"{binary} cannot run: {err.strerror or err}")
    except subprocess.TimeoutExpired:
        raise MediaError(f"{binary} -version did not answer within {timeout} s")
    text = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0 or not text:
        raise MediaError(f"{binary} does not work (exit {done.returncode}): {_last_line(done.stderr)}")
    return text.splitlines()[0]


_VERSION_NUMBER = re.compile(r"\bversion n?(\d+)\.(\d+)")


@functools.lru_cache(maxsize=8)
def release(binary):
    """``(major, minor)`` of an ffmpeg binary ("ffmpeg version 5.1.9-0+deb12u1" gives (5, 1)).

    None for a binary that does not run or names no release (a git build says "version N-1234-g...").
    """
    try:
        match = _VERSION_NUMBER.search(version(binary))
    except MediaError:
        return None
    return (int(match.group(1)), int(match.group(2))) if match else None


def single_thread_input(tools):
    """Input options that let ffmpeg read several inputs on its main thread, where that is faster.

    ffmpeg 5.0 to 6.0 read every input on a thread of its own as soon as there are two inputs (a media
    file plus an FFMETADATA file, say) and hand each packet over through an 8-slot queue: on a stream
    copy that hand-over, not the copying, is most of the time (measured here on a 90-minute file: 1.1 s
    instead of 0.4 s). ``-thread_queue_size 0`` turns those threads off there. Releases before 5.0
    size that queue differently and 6.1 onward always thread, so they get nothing (a binary whose
    release cannot be told gets nothing either).
    """
    known = release(tools.ffmpeg)
    return {"thread_queue_size": 0} if known and (5, 0) <= known < (6, 1) else {}


def media_arg(path):
    """A path as ffmpeg must see it: absolute, and behind ``file:`` so ``:`` is never a protocol."""
    return "file:" + str(Path(path).resolve())


def _last_line(stderr):
    lines = [line.strip() for line in (stderr or b"").decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


@dataclass
class RunResult:
    stdout: bytes
    stderr: bytes
    seconds: float


def run(tools, stream, timeout, what, progress=None):
    """Run an ffmpeg-python graph with the chosen binary; MediaError (naming ``what``) on failure.

    ``progress(seconds_done)`` is called from ffmpeg's ``-progress`` output when given.
    """
    stream = stream.global_args("-nostdin", "-hide_banner", "-loglevel", "error")
    if progress is not None:
        stream = stream.global_args("-progress", "pipe:1", "-nostats")
    started = time.perf_counter()
    try:
        process = stream.run_async(
            cmd=tools.ffmpeg, pipe_stdout=True, pipe_stderr=True, overwrite_output=True
        )
    except FileNotFoundError:
        raise MediaError(f"{tools.ffmpeg} does not exist (set FFMPEG or install ffmpeg); needed for {what}")
    except PermissionError:
        raise MediaError(f"{tools.ffmpeg} is not executable; needed for {what}")
    stdout, stderr = _communicate(process, timeout, what, progress)
    if process.returncode != 0:
        raise MediaError(f"{what}: ffmpeg failed: {_last_line(stderr)}")
    return RunResult(stdout, stderr, time.perf_counter() - started)


def parse_progress(raw):
    """Seconds done from one line of ffmpeg's ``-progress`` output, or None for any other line.

    ffmpeg writes ``key=value`` blocks; the time done is ``out_time_us`` (and ``out_time_ms``, which
    despite its name is also in microseconds), ``N/A`` before the first frame, and may be negative
    while the first timestamps settle (read as 0).
    """
    line = raw.decode("ascii", "replace") if isinstance(raw, bytes) else str(raw)
    key, sep, value = line.strip().partition("=")
    if not sep or key not in ("out_time_us", "out_time_ms"):
        return None
    value = value.strip()
    if not value.lstrip("-").isdigit() or len(value) > 20:
        return None
    return max(0.0, int(value) / 1_000_000)


def _communicate(process, timeout, what, progress):
    if progress is None:
        try:
            return process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise MediaError(f"{what}: ffmpeg did not finish within {timeout:.0f} s and was stopped")
    chunks = {"err": []}

    def drain_err():
        chunks["err"].append(process.stderr.read())

    reader = threading.Thread(target=drain_err, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    out = []
    try:
        for raw in process.stdout:
            out.append(raw)
            done = parse_progress(raw)
            if done is not None:
                progress(done)
        process.wait()
    finally:
        timer.cancel()
        reader.join()
    if time.monotonic() >= deadline and process.returncode != 0:
        raise MediaError(f"{what}: ffmpeg did not finish within {timeout:.0f} s and was stopped")
    return b"".join(out), b"".join(chunks["err"])


@contextlib.contextmanager
def output_file(final):
    """Yield a temporary path beside ``final``; rename it over ``final`` only if it was really written."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.stem}.partial{final.suffix}")
    temp.unlink(missing_ok=True)
    try:
        yield temp
        if not temp.is_file() or temp.stat().st_size == 0:
            raise MediaError(f"{final}: ffmpeg reported success but wrote nothing")
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


# --- probing ---------------------------------------------------------------------------------------------


@dataclass
class MediaInfo:
    """What a probe found in one file."""

    path: Path
    duration: float
    format_name: str = ""
    video_codec: str | None = None
    width: int = 0
    height: int = 0
    fps: float = 0.0
    audio_codec: str | None = None
    chapters: list = field(default_factory=list)  # [(start, end, title)]


def probe(tools, path, timeout=PROBE_TIMEOUT):
    """Probe ``path``; MediaError naming the file when it is missing, not media, or has no duration."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    if tools.ffprobe:
        info = _probe_ffprobe(tools, path, timeout)
    else:
        info = _probe_ffmpeg(tools, path, timeout)
    if not info.duration or info.duration <= 0:
        raise MediaError(f"{path}: not a media file ffmpeg can read (no duration)")
    if info.video_codec is None and info.audio_codec is None:
        raise MediaError(f"{path}: not a media file ffmpeg can read (no audio or video stream)")
    return info


def probe_chapters(tools, path, timeout=PROBE_TIMEOUT):
    """Only the duration and the chapters of ``path``, read from its header (to check a file just written).

    ffprobe is asked for nothing else (``-show_chapters -show_entries format=duration``: no stream
    section, no packets, no frames); without ffprobe, ``ffmpeg -i`` prints the same header.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    if not tools.ffprobe:
        return _probe_ffmpeg(tools, path, timeout)
    data = _ffprobe_json(tools, path, ["-show_chapters", "-show_entries", "format=duration"], timeout)
    info = MediaInfo(path=path, duration=_float(data.get("format", {}).get("duration")))
    info.chapters = _chapters(data)
    return info


def _run_captured(args, timeout, cannot_run, too_slow):
    """Run ``args`` (no shell, no stdin) and return ``(returncode, stdout, stderr)``; MediaError with
    ``cannot_run`` (``{reason}`` filled in) when it cannot start, ``too_slow`` when it outlives ``timeout``.
    """
    try:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as err:
        raise MediaError(cannot_run.replace("{reason}", str(err.strerror or err)))
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise MediaError(too_slow)
    return process.returncode, out, err


def _ffprobe_json(tools, path, what, timeout):
    args = [tools.ffprobe, "-v", "error", *what, "-of", "json", media_arg(path)]
    returncode, out, err = _run_captured(
        args,
        timeout,
        cannot_run=f"{tools.ffprobe} cannot run ({{reason}}): set FFPROBE or unset it",
        too_slow=f"{path}: ffprobe did not answer within {timeout} s",
    )
    if returncode != 0:
        raise MediaError(f"{path}: not a media file ffmpeg can read ({_last_line(err)})")
    try:
        data = json.loads(out.decode("utf-8", "replace"))
    except ValueError:
        raise MediaError(f"{path}: ffprobe gave unreadable output")
    if not isinstance(data, dict):
        raise MediaError(f"{path}: ffprobe gave unreadable output")
    return data


def _chapters(data):
    found = []
    for chapter in data.get("chapters", []):
        title = chapter.get("tags", {}).get("title", "")
        found.append((_float(chapter.get("start_time")), _float(chapter.get("end_time")), title))
    return found


def _probe_ffprobe(tools, path, timeout):
    data = _ffprobe_json(tools, path, ["-show_format", "-show_streams", "-show_chapters"], timeout)
    fmt = data.get("format", {})
    info = MediaInfo(path=path, duration=_float(fmt.get("duration")), format_name=fmt.get("format_name", ""))
    for stream in data.get("streams", []):
        kind = stream.get("codec_type")
        if (
            kind == "video"
            and info.video_codec is None
            and not stream.get("disposition", {}).get("attached_pic")
        ):
            info.video_codec = stream.get("codec_name")
            info.width, info.height = int(stream.get("width") or 0), int(stream.get("height") or 0)
            info.fps = _rate(stream.get("avg_frame_rate") or stream.get("r_frame_rate"))
        elif kind == "audio" and info.audio_codec is None:
            info.audio_codec = stream.get("codec_name")
    info.chapters = _chapters(data)
    return info


_DURATION = re.compile(r"^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", re.M)
_INPUT = re.compile(r"^Input #0, ([^ ]+), from", re.M)
_STREAM = re.compile(r"^\s*Stream #0:\d+[^:]*: (Video|Audio): (\w+)([^\n]*)", re.M)
_SIZE = re.compile(r", (\d{2,5})x(\d{2,5})[ ,]")
_FPS = re.compile(r", ([\d.]+) fps")
_CHAPTER = re.compile(
    r"^\s*Chapter #0:\d+: start (-?[\d.]+), end (-?[\d.]+)\n(?:\s*Metadata:\n\s*title\s*: ([^\n]*))?", re.M
)


def _probe_ffmpeg(tools, path, timeout):
    """Probe by reading what ``ffmpeg -i`` prints (for machines with ffmpeg but no ffprobe)."""
    stream = ffmpeg.input(media_arg(path)).output("-", f="null", t=0)
    args = stream.global_args("-nostdin", "-hide_banner").compile(cmd=tools.ffmpeg, overwrite_output=True)
    _returncode, _out, err = _run_captured(
        args,
        timeout,
        cannot_run=f"{tools.ffmpeg} cannot run ({{reason}})",
        too_slow=f"{path}: ffmpeg did not read it within {timeout} s",
    )
    text = err.decode("utf-8", "replace")
    text = re.split(r"^(?:Output #0|Stream mapping:)", text, maxsplit=1, flags=re.M)[0]  # the input only
    duration = _DURATION.search(text)
    if not _INPUT.search(text) or not duration:
        raise MediaError(f"{path}: not a media file ffmpeg can read ({_last_line(err)})")
    hours, minutes, seconds = duration.groups()
    info = MediaInfo(path=path, duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds))
    info.format_name = _INPUT.search(text).group(1).rstrip(",")
    for kind, codec, rest in _STREAM.findall(text):
        if kind == "Video" and info.video_codec is None and "attached pic" not in rest:
            info.video_codec = codec
            size = _SIZE.search(rest)
            if size:
                info.width, info.height = int(size.group(1)), int(size.group(2))
            fps = _FPS.search(rest)
            info.fps = float(fps.group(1)) if fps else 0.0
        elif kind == "Audio" and info.audio_codec is None:
            info.audio_codec = codec
    for start, end, title in _CHAPTER.findall(text):
        info.chapters.append((float(start), float(end), title.strip()))
    return info


def check_end_readable(tools, info, timeout=PROBE_TIMEOUT):
    """Decode the last seconds: a truncated file still probes at full length but stops early here."""
    start = max(0.0, info.duration - 3.0)
    stream = ffmpeg.input(media_arg(info.path), ss=f"{start:.3f}").output("-", f="null")
    reached = [0.0]

    def seen(seconds):
        reached[0] = max(reached[0], seconds)

    try:
        run(tools, stream, timeout, f"{info.path}", progress=seen)
    except MediaError as err:
        raise MediaError(f"{info.path}: the file is damaged or truncated ({str(err).split(': ', 2)[-1]})")
    slack = max(1.0, 2.0 / info.fps) if info.fps else 1.0
    if start + reached[0] < info.duration - slack:
        raise MediaError(
            f"{info.path}: the file is truncated: it claims {info.duration:.1f} s but its data stops near "
            f"{start + reached[0]:.1f} s"
        )


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rate(text):
    try:
        num, _, den = str(text).partition("/")
        return float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return 0.0
