"""``/static/<path>`` for the preview: course static files and media, with HTTP byte ranges.

Browsers seek in a video by asking for byte ranges; Django's own static view answers whole files
only, so this view answers ``Range: bytes=a-b`` with 206 and streams the file in chunks.
"""

import mimetypes
import re

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from scripts.preview.paths import static_roots

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
# Types the standard table lacks or gets wrong for media (".ts" is a Qt translation file there).
CONTENT_TYPES = {
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
}


def find_static(relative):
    """The file under one of the static roots, never outside them."""
    if "\x00" in relative:
        return None
    for root in static_roots():
        root = root.resolve()
        candidate = (root / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(root):
            return candidate
    return None


def _chunks(path, start, length):
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data


def serve_static(request, path):
    found = find_static(path)
    if found is None:
        raise Http404(f"No static file {path!r}")
    size = found.stat().st_size
    content_type = CONTENT_TYPES.get(found.suffix.lower()) or (
        mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    )
    match = _RANGE.match(request.headers.get("Range", ""))
    if not match or (not match.group(1) and not match.group(2)):
        response = FileResponse(open(found, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    length = end - start + 1
    response = StreamingHttpResponse(_chunks(found, start, length), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    return response
