"""Build the course: validate, then write the OLX tree, the import tarball and the preview scenario.

``build(source, out, manifest=None, media=None)`` writes, under ``out`` only:

- ``course/``: the OLX tree (``course.olx.course_files``);
- ``course.tar.gz``: the same files under a top folder ``course/``; deterministic (sorted entries, fixed
  mtime, uid/gid 0, owner ``root``, gzip mtime 0), so two builds of one source are byte-identical;
- ``preview/whole_course.xml``: the whole course as one workbench scenario (``course.preview``).

Blocks and files kept as Studio wrote them (the source's ``olx/`` folder, from ``facilitator-course
import``) are written back unchanged at their export paths. Static files: everything in the source's
``static/`` folder, plus media the manifest names (recordings,
captions) when they are present in a media folder (``media``, default ``out/media/prepared``); media are
never required. Captions found there are also embedded as cues in the progress block's transcripts (the
preview scenario also takes them from ``out/media/stand-ins``). Every path is checked to stay inside
``out`` (``safe_target``).
"""

import gzip
import io
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from course.olx import course_files
from course.preview import whole_course_xml
from course.validate import validate

TAR_MTIME = 946684800  # 2000-01-01T00:00:00Z: fixed so that builds are reproducible
TOP = "course"


class BuildError(Exception):
    """The build cannot go on: ``problems`` are the validation problems (or one message)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Built:
    """What a build wrote."""

    tree: Path
    tarball: Path
    preview: Path
    files: int
    media: list


def safe_target(out, relative):
    """``out / relative`` when it stays inside ``out``; BuildError for absolute paths, ``..``, odd names."""
    text = str(relative)
    parts = text.split("/")
    if not text or "\\" in text or "\x00" in text or any(part in ("", ".", "..") for part in parts):
        raise BuildError([f'refusing to write "{text}": outside the output folder or not a plain path'])
    root = Path(out).resolve()
    target = root.joinpath(*parts)
    if not target.resolve().is_relative_to(root):
        raise BuildError([f'refusing to write "{text}": it resolves outside the output folder {root}'])
    return target


def write_files(out, folder, files):
    """Replace ``out/folder`` with ``files`` (relative path -> bytes); every path checked first."""
    targets = {name: safe_target(out, f"{folder}/{name}") for name in files}
    base = safe_target(out, folder)
    if base.is_symlink() or (base.exists() and not base.is_dir()):
        raise BuildError([f"{base} is not a folder: remove it or choose another --out"])
    if base.is_dir():
        if folder == TOP and not (base / "course.xml").is_file() and any(base.iterdir()):
            raise BuildError([f"{base} exists and is not a course build: remove it or choose another --out"])
        shutil.rmtree(base)
    for name in sorted(files):
        target = targets[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[name])


def tarball_bytes(files, top=TOP):
    """A reproducible ``.tar.gz`` of ``files`` under the folder ``top``."""
    names = set()
    for name in files:
        parts = PurePosixPath(name).parts
        for depth in range(1, len(parts)):
            names.add("/".join(parts[:depth]) + "/")
        names.add(name)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(_info(f"{top}/", 0))
        for name in sorted(names, key=lambda n: n.rstrip("/")):
            if name.endswith("/"):
                tar.addfile(_info(f"{top}/{name}", 0))
            else:
                tar.addfile(_info(f"{top}/{name}", len(files[name])), io.BytesIO(files[name]))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def _info(name, size):
    is_dir = name.endswith("/")
    info = tarfile.TarInfo(name.rstrip("/"))
    info.type = tarfile.DIRTYPE if is_dir else tarfile.REGTYPE
    info.mode = 0o755 if is_dir else 0o644
    info.size = 0 if is_dir else size
    info.mtime = TAR_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def static_files(checked, media_dirs):
    """name -> bytes: the source's ``static/`` files, then the manifest's media found in ``media_dirs``."""
    found, media = {}, []
    folder = checked.course.root / "static"
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in PurePosixPath(relative).parts):
                found[relative] = path.read_bytes()
    for name in sorted(checked.media):
        if name in found:
            continue
        for media_dir in media_dirs:
            candidate = Path(media_dir) / name
            if candidate.is_file() and candidate.resolve().is_relative_to(Path(media_dir).resolve()):
                found[name] = candidate.read_bytes()
                media.append(name)
                break
    return found, media


def read_captions(checked, media_dirs):
    """session id -> WebVTT text of its captions, for the sessions whose captions file is at hand.

    A captions file that cannot be read as WebVTT is a BuildError naming the file.
    """
    from xblocks.facilitator_progress.transcripts import TranscriptError, parse_vtt

    found = {}
    for session in checked.manifest.sessions:
        if not session.captions:
            continue
        lang = "en" if "en" in session.captions else sorted(session.captions)[0]
        name = session.captions[lang]
        # ``media prepare`` writes ``<id>.<lang>.vtt`` (SRT converted); a raw media folder has the
        # manifest's own file, used only when it is WebVTT already.
        names = [f"{session.id}.{lang}.vtt"] + ([name] if not name.lower().endswith(".srt") else [])
        candidates = [Path(media_dir) / n for media_dir in media_dirs for n in names]
        for candidate in candidates:
            if not candidate.is_file():
                continue
            try:
                text = candidate.read_text(encoding="utf-8")
                parse_vtt(text, where=str(candidate))
            except (UnicodeDecodeError, TranscriptError) as err:
                raise BuildError([f"{candidate}: the captions cannot be read as WebVTT ({err})"])
            found[session.id] = text
            break
    return found


def build(source, out, manifest=None, media=None):
    """Validate ``source``, then write the export and the preview under ``out``; a ``Built``."""
    checked = validate(source, manifest)
    if checked.problems:
        raise BuildError(checked.problems)
    out = Path(out)
    source_root = Path(source).resolve()
    tree_root = (out / TOP).resolve()
    if source_root == tree_root or source_root.is_relative_to(tree_root):
        raise BuildError([f"--out {out} would replace the course source itself: choose another folder"])
    media_dirs = [Path(media)] if media else [out / "media" / "prepared"]
    statics, media_found = static_files(checked, media_dirs)
    checked.captions = read_captions(checked, media_dirs)
    files = course_files(checked, statics)
    out.mkdir(parents=True, exist_ok=True)
    write_files(out, TOP, files)
    tarball = safe_target(out, "course.tar.gz")
    tarball.write_bytes(tarball_bytes(files))
    preview = safe_target(out, "preview/whole_course.xml")
    preview.parent.mkdir(parents=True, exist_ok=True)
    # the preview may search the stand-in captions too (never the export: they are not the real words)
    checked.captions = read_captions(checked, [*media_dirs, out / "media" / "stand-ins"])
    preview.write_text(whole_course_xml(checked), encoding="utf-8")
    return Built(out / TOP, tarball, preview, len(files), media_found)
