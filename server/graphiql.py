"""The GraphiQL page and its assets, served from this repository: a Content-Security-Policy
that allows only our own origin (the page's inline script and style by hash), assets gzip-
compressed with long cache lifetimes."""

import base64
import hashlib
import os
import re
from os import PathLike
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

FOLDER = Path(__file__).parent / "static" / "graphiql"
ONE_YEAR = 365 * 24 * 3600


def _hashes(html: str, tag: str) -> str:
    inline = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
        for code in inline
    )


def page() -> HTMLResponse:
    html = (FOLDER / "index.html").read_text()
    policy = (
        "default-src 'self'; "
        f"script-src 'self' {_hashes(html, 'script')}; "
        f"style-src 'self' {_hashes(html, 'style')}; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return HTMLResponse(
        html, headers={"content-security-policy": policy, "cache-control": "no-cache"}
    )


class _LongLived(StaticFiles):
    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        # The files change only with a GraphiQL upgrade, which ships a new index.html too.
        response.headers["cache-control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response


def assets() -> ASGIApp:
    return GZipMiddleware(_LongLived(directory=FOLDER), minimum_size=1024)
