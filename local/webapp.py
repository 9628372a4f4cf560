"""The built web app (web/dist) served by the local runner on the API's origin.

Pages live under /app/… and files under /assets/…, so no page can shadow an API path;
`/` and every /app/… path answer index.html (the single-page app routes in the browser).
In AWS the app is on S3 behind CloudFront instead; none of this is deployed.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from werkzeug.wrappers import Request, Response

_DEFAULT_DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
DIST = Path(os.environ.get("MOMENTUM_WEB_DIST", _DEFAULT_DIST))
_FILES = ("/favicon.svg", "/robots.txt")
# Text is sent gzipped when the browser accepts it, as CloudFront does in AWS (Compress:
# true), so a browser (and Lighthouse) gets the bytes it would get there.
_COMPRESSIBLE = (".html", ".js", ".css", ".svg", ".json", ".txt")


@lru_cache(maxsize=256)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes:
    # mtime_ns and size are in the cache key only: a rebuilt file is compressed again.
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def _file(path: Path, *, immutable: bool, accept_gzip: bool = False) -> Response:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if accept_gzip and path.suffix in _COMPRESSIBLE:
        stat = path.stat()
        response = Response(_gzipped(path, stat.st_mtime_ns, stat.st_size), content_type=kind)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
    else:
        response = Response(path.read_bytes(), content_type=kind)
    # Hashed asset names never change content; index.html must always be re-read.
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if immutable else "no-cache"
    )
    return response


def route(request: Request) -> Response | None:
    """The web app's response for a GET/HEAD of one of its paths, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    index = DIST / "index.html"
    accept_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    if path in ("/", "/app") or path.startswith("/app/"):
        return _file(index, immutable=False, accept_gzip=accept_gzip) if index.is_file() else None
    if path.startswith("/assets/") or path in _FILES:
        # Only files inside dist/assets (or the named files): never ../ out of it.
        home = (DIST / "assets").resolve() if path.startswith("/assets/") else DIST.resolve()
        target = (DIST / path.lstrip("/")).resolve()
        if home in target.parents and target.is_file():
            return _file(target, immutable=path.startswith("/assets/"), accept_gzip=accept_gzip)
        return Response("Not found", status=404, content_type="text/plain")
    return None
