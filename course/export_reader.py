"""Read a Studio export safely: a ``.tar.gz`` (or ``.tar``) or a folder holding ``course.xml``.

``read_export(path)`` gives an ``Export``: ``files`` (path relative to the folder holding ``course.xml``
-> bytes) and ``warnings`` (drafts left out). Every member is checked before anything is read, and each
refusal is an ``ExportError`` naming the member: absolute paths, ``..``, backslashes or NUL in names,
symlinks, hard links, devices and anything but plain files and folders, a member larger than
``MAX_MEMBER`` bytes (its declared size, checked before its data is read), more than ``MAX_MEMBERS``
members or ``MAX_TOTAL`` bytes in all, an archive that is not tar, and one without ``course.xml``.
These are the rules of the stdlib's ``data`` extraction filter, checked by hand so the message can name
the member; nothing is extracted to disk.
"""

import os
import stat
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_MEMBER = 200 * 1024 * 1024  # 200 MiB: far above any OLX file or course image; recordings go elsewhere
MAX_TOTAL = 1024 * 1024 * 1024
MAX_MEMBERS = 20000
DRAFTS = "drafts"


class ExportError(Exception):
    """The export cannot be read: one line naming the member or file."""


@dataclass
class Export:
    files: dict = field(default_factory=dict)  # relative path -> bytes
    warnings: list = field(default_factory=list)


def _check_name(name, where):
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or (len(name) > 1 and name[1] == ":")
    ):
        raise ExportError(f'{where}: the member "{name}" has an absolute or unsafe path: refused')
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        raise ExportError(f'{where}: the member "{name}" points outside the archive ("..") : refused')
    return "/".join(part for part in parts if part != ".")


def _mib(size):
    return f"{size / (1024 * 1024):.0f} MiB"


def _read_tar(path):
    try:
        tar = tarfile.open(path, mode="r:*")
    except (tarfile.TarError, EOFError, OSError):
        raise ExportError(
            f"{path}: not a .tar.gz (or .tar) course export (no tar archive could be read)"
        ) from None
    members, total = [], 0
    with tar:
        try:
            while True:
                member = tar.next()  # the header only: the data of a refused member is never read
                if member is None:
                    break
                name = _check_name(member.name, path)
                if member.issym() or member.islnk():
                    raise ExportError(f'{path}: the member "{member.name}" is a link: refused')
                if not (member.isfile() or member.isdir()):
                    raise ExportError(
                        f'{path}: the member "{member.name}" is not a plain file or folder (a device, fifo '
                        "or other special file): refused"
                    )
                if member.size > MAX_MEMBER:
                    raise ExportError(
                        f'{path}: the member "{member.name}" declares {_mib(member.size)}, more than the '
                        f"{_mib(MAX_MEMBER)} a member may hold: refused"
                    )
                total += member.size
                if total > MAX_TOTAL or len(members) >= MAX_MEMBERS:
                    raise ExportError(
                        f'{path}: the archive is too large at "{member.name}" (at most {MAX_MEMBERS} members '
                        f"and {_mib(MAX_TOTAL)} in all): refused"
                    )
                if member.isfile():
                    handle = tar.extractfile(member)
                    data = handle.read(MAX_MEMBER + 1) if handle else b""
                    if len(data) != member.size:
                        raise ExportError(f'{path}: the member "{member.name}" is truncated')
                    members.append((name, data))
        except (tarfile.TarError, EOFError, OSError, ValueError) as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise ExportError(f"{path}: the archive is damaged or not a tar archive ({reason})") from None
    return members


def _read_folder(path):
    members, total = [], 0
    root = Path(path)
    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in sorted(dirs + names):
            full = Path(folder) / name
            relative = full.relative_to(root).as_posix()
            info = full.lstat()
            if stat.S_ISLNK(info.st_mode):
                raise ExportError(f"{full}: a symlink in the export folder: refused")
            if stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                raise ExportError(f"{full}: not a plain file (a device, fifo or socket): refused")
            if info.st_size > MAX_MEMBER:
                raise ExportError(
                    f"{full}: {_mib(info.st_size)}, more than the {_mib(MAX_MEMBER)} a file may hold: refused"
                )
            total += info.st_size
            if total > MAX_TOTAL or len(members) >= MAX_MEMBERS:
                raise ExportError(f"{full}: the export folder is too large: refused")
            members.append((relative, full.read_bytes()))
    return members


def read_export(path):
    """The export at ``path`` (tarball or folder) as an ``Export``; ExportError when it is refused."""
    path = Path(path)
    if path.is_symlink() and path.is_dir():
        raise ExportError(f"{path}: a symlink, not an export folder: refused")
    if path.is_dir():
        members = _read_folder(path)
    elif path.is_file():
        members = _read_tar(path)
    else:
        raise ExportError(f"{path}: no such file or folder")
    tops = sorted(
        (name[: -len("course.xml")] for name, _data in members if PurePosixPath(name).name == "course.xml"),
        key=lambda top: (top.count("/"), top),
    )
    tops = [top for top in tops if top.count("/") <= 1]
    if not tops:
        raise ExportError(f"{path}: no course.xml at the top of the export: this is not an OLX course export")
    top = tops[0]
    export = Export()
    drafts = []
    for name, data in members:
        if not name.startswith(top):
            continue
        relative = name[len(top) :]
        if relative.split("/", 1)[0] == DRAFTS:
            drafts.append(relative)
            continue
        export.files[relative] = data
    if drafts:
        export.warnings.append(
            f"{len(drafts)} draft file{'s' if len(drafts) != 1 else ''} left out "
            "(unpublished Studio changes, "
            f"publish them in Studio and export again to keep them): {', '.join(sorted(drafts)[:5])}"
            + (" ..." if len(drafts) > 5 else "")
        )
    return export
