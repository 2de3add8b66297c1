"""``facilitator-course media check | stand-ins | prepare | doctor``."""

from pathlib import Path

from media_manifest.manifest import DEFAULT_MANIFEST, ManifestError, load_manifest

DEFAULT_MEDIA = Path("media")
DEFAULT_PREPARED = Path("build/media/prepared")


def register(subparsers):
    media = subparsers.add_parser("media", help="check, stand in for and prepare the session recordings")
    commands = media.add_subparsers(dest="media_command", metavar="SUBCOMMAND")
    media.set_defaults(func=lambda args: _help(media))

    def common(parser):
        parser.add_argument(
            "--manifest",
            type=Path,
            default=DEFAULT_MANIFEST,
            help="the media manifest YAML (default: packaged)",
        )

    check = commands.add_parser("check", help="compare the recordings present with the manifest")
    check.add_argument("--media", type=Path, default=DEFAULT_MEDIA, help="folder holding the recordings")
    common(check)
    check.set_defaults(func=cmd_check)

    stand_ins = commands.add_parser("stand-ins", help="generate stand-in recordings and captions")
    stand_ins.add_argument("--out", type=Path, required=True, help="folder to write session-N.mp4/.en.vtt to")
    stand_ins.add_argument(
        "--max-seconds", type=float, default=None, help="cap each stand-in's length (tests, quick previews)"
    )
    stand_ins.add_argument("--if-missing", action="store_true", help="keep stand-ins that are already there")
    common(stand_ins)
    stand_ins.set_defaults(func=cmd_stand_ins)

    prepare = commands.add_parser("prepare", help="posters, chapter tracks, captions and web MP4s")
    prepare.add_argument("--media", type=Path, default=DEFAULT_MEDIA, help="folder holding the recordings")
    prepare.add_argument("--out", type=Path, default=DEFAULT_PREPARED, help="folder for the prepared files")
    prepare.add_argument(
        "--renditions", default="", help="extra transcoded sizes, comma-separated: 360p,480p,720p,1080p"
    )
    common(prepare)
    prepare.set_defaults(func=cmd_prepare)

    doctor = commands.add_parser(
        "doctor", help="which ffmpeg/ffprobe are used, their versions, what is missing"
    )
    doctor.set_defaults(func=cmd_doctor)


def _help(parser):
    parser.print_help()
    return 2


def _error(message):
    from xblocks.common.errors import CommandError

    return CommandError(message)


def _manifest(args):
    try:
        return load_manifest(args.manifest)
    except ManifestError as err:
        raise _error(f"the media manifest has problems:\n{err}")


def _tools():
    from media_manifest.tools import MediaError, find_tools, version

    try:
        tools = find_tools()
        version(tools.ffmpeg)
    except MediaError as err:
        raise _error(str(err))
    if tools.ffprobe:
        try:
            version(tools.ffprobe)
        except MediaError as err:
            # a broken ffprobe would otherwise be blamed on every recording it fails to read
            raise _error(f"ffprobe is broken: {err} (fix it, or set FFPROBE= to probe through ffmpeg)")
    return tools


def cmd_check(args):
    from media_manifest.check import check_media

    manifest = _manifest(args)
    tools = _tools()
    report = check_media(tools, manifest, args.media)
    for line in report.lines:
        print(line)
    if report.missing:
        print(f"{len(report.missing)} of {len(manifest.sessions)} recordings missing from {args.media}")
    if report.problems:
        for line in report.problems:
            print(f"problem: {line}")
        raise _error(f"{len(report.problems)} problem(s) with the recordings in {args.media}")
    return 0


def cmd_stand_ins(args):
    from media_manifest.progress import terminal_progress
    from media_manifest.standins import make_stand_ins
    from media_manifest.tools import MediaError

    manifest = _manifest(args)
    tools = _tools()
    try:
        make_stand_ins(
            tools,
            manifest,
            args.out,
            max_seconds=args.max_seconds,
            if_missing=args.if_missing,
            progress=terminal_progress,
        )
    except MediaError as err:
        raise _error(str(err))
    except OSError as err:
        raise _error(f"{err.filename or args.out}: {err.strerror}")
    return 0


def cmd_prepare(args):
    from media_manifest.prepare import prepare_all
    from media_manifest.progress import terminal_progress
    from media_manifest.tools import MediaError

    manifest = _manifest(args)
    tools = _tools()
    renditions = [r.strip() for r in args.renditions.split(",") if r.strip()]
    try:
        results = prepare_all(tools, manifest, args.media, args.out, renditions, progress=terminal_progress)
    except MediaError as err:
        raise _error(str(err))
    except OSError as err:
        raise _error(f"{err.filename or args.out}: {err.strerror}")
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise _error(f"{len(failed)} session(s) could not be prepared: {', '.join(r.id for r in failed)}")
    return 0


def cmd_doctor(args):
    from media_manifest.tools import MediaError, find_tools, version

    try:
        tools = find_tools()
    except MediaError as err:
        raise _error(str(err))
    try:
        print(f"ffmpeg:  {tools.ffmpeg} (from {tools.ffmpeg_from})\n         {version(tools.ffmpeg)}")
    except MediaError as err:
        raise _error(f"ffmpeg is broken: {err}")
    if tools.ffprobe:
        try:
            print(f"ffprobe: {tools.ffprobe} (from {tools.ffprobe_from})\n         {version(tools.ffprobe)}")
        except MediaError as err:
            raise _error(f"ffprobe is broken: {err}")
    else:
        print(f"ffprobe: none ({tools.ffprobe_from}); probing reads what ffmpeg -i prints")
    missing, fatal = _missing_features(tools)
    for item in missing:
        print(f"missing: {item}")
    if not missing:
        print("ok: H.264 and AAC encoders and the drawtext filter are available")
    elif not fatal:
        print("stand-ins will have no visible label or clock without drawtext; everything else works")
    if fatal:
        raise _error(f"{tools.ffmpeg} cannot encode H.264/AAC: install a full ffmpeg or set FFMPEG")
    return 0


def _missing_features(tools):
    """``(missing, fatal)``: what the binary lacks, and whether that stops prepare (the encoders do)."""
    import subprocess

    wanted = {"-encoders": ("libx264", "aac"), "-filters": ("drawtext",)}
    missing, fatal = [], False
    for flag, names in wanted.items():
        try:
            done = subprocess.run(
                [tools.ffmpeg, "-hide_banner", flag],
                capture_output=True,
                timeout=20,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired):
            return [f"{tools.ffmpeg} {flag} did not answer"], True
        listing = done.stdout.decode("utf-8", "replace").split()
        absent = [name for name in names if name not in listing]
        missing += [f"{name} ({flag[1:-1]}) in {tools.ffmpeg}" for name in absent]
        fatal = fatal or (flag == "-encoders" and bool(absent))
    return missing, fatal
