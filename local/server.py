"""The local runner's HTTP front: the template's routes plus the local-only /_local routes."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from local import signin, users, webapp
from local.cors import Cors
from local.runtime import PROBLEM_JSON, LocalRuntime

# A Lambda container serves one request at a time, and Powertools' resolver keeps the
# current event in process-wide state: the runner, one process, does the same.
_LOCAL_LOCK = threading.Lock()


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, default=str), status=status, content_type="application/json")


def _problem(status: int, detail: str) -> Response:
    from http import HTTPStatus

    phrase = HTTPStatus(status).phrase
    body = {
        "type": "https://momentum.dev/problems/" + phrase.lower().replace(" ", "-"),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    return Response(json.dumps(body), status=status, content_type=PROBLEM_JSON)


class LocalApp:
    def __init__(self, runtime: LocalRuntime, *, log: bool = True) -> None:
        self.runtime = runtime
        self.cors = Cors.from_template(runtime.template)
        self.log = log
        # Tests jump between dates; a person exploring the demo would only confuse it.
        self.clock_backwards = os.environ.get("MOMENTUM_CLOCK_BACKWARDS") == "allow"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        started = time.perf_counter()
        try:
            # API Gateway answers a preflight itself, before the authorizer runs.
            response = self.cors.preflight(request) or self.dispatch(request)
        except Exception as error:  # the runner itself must never hang a client
            import traceback

            traceback.print_exc()
            response = _problem(500, f"local runner error: {type(error).__name__}")
        response = self.cors.decorate(request, response)
        if self.log:
            elapsed = (time.perf_counter() - started) * 1000
            print(
                f"{request.method} {request.full_path.rstrip('?')} "
                f"{response.status_code} {elapsed:.0f} ms",
                flush=True,
            )
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_local/"):
            return self.local_route(request)
        page = webapp.route(request)  # the built web app at / and /app/… (local/webapp.py)
        if page is not None:
            return page
        if request.method in ("GET", "HEAD") and request.path == "/":
            return Response(LANDING, content_type="text/html; charset=utf-8")
        with _LOCAL_LOCK:
            result = self.runtime.handle_http(
                method=request.method,
                path=request.path,
                query={k: request.args.getlist(k) for k in request.args},
                headers=dict(request.headers.items()),
                body=request.get_data(),
            )
        response = Response(result.body, status=result.status)
        for name, value in result.headers.items():
            response.headers[name] = value
        return response

    def local_route(self, request: Request) -> Response:
        signed_in = signin.route(request)  # the web app's local sign-in (local/signin.py)
        if signed_in is not None:
            return signed_in
        made = users.route(request)  # a token's person as a user record (local/users.py)
        if made is not None:
            return made
        route = (request.method, request.path.rstrip("/"))
        if route == ("POST", "/_local/clock"):
            try:
                payload = json.loads(request.get_data() or b"{}")
                now = datetime.fromisoformat(str(payload["now"]).replace("Z", "+00:00"))
                if now.tzinfo is None:
                    raise ValueError("timestamp needs an offset")
            except (ValueError, KeyError, TypeError) as error:
                return _problem(422, f'Send {{"now": "<ISO timestamp with offset>"}}: {error}')
            current = self.runtime.now()
            if now < current and not self.clock_backwards:
                return _problem(
                    409,
                    f"The clock only moves forward: it is {current.isoformat()} and "
                    f"{now.isoformat()} is earlier. Records, emails sent and nightly runs "
                    "already happened at the later time; restart the runner to start over.",
                )
            return _json({"now": self.runtime.set_clock(now).isoformat()})
        if route == ("GET", "/_local/clock"):
            return _json({"now": self.runtime.now().isoformat()})
        if route == ("POST", "/_local/nightly"):
            with _LOCAL_LOCK:
                return _json(self.runtime.run_nightly())
        if route == ("GET", "/_local/emails"):
            return _json(self.runtime.emails())
        if route == ("DELETE", "/_local/emails"):
            self.runtime.clear_emails()
            return Response(status=204)
        return _problem(404, "No such local route.")


def serve(runtime: LocalRuntime, host: str, port: int) -> Any:
    """A threaded WSGI server for the runtime (call .serve_forever() / .shutdown())."""
    return make_server(host, port, LocalApp(runtime), threaded=True)


# `GET /` until the web app is built (web/dist, served by local/webapp.py instead).
LANDING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Momentum local runner</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .2em}</style></head>
<body>
<h1>Momentum local runner</h1>
<p>This is the Momentum API running on your machine: the real functions against local
AWS services (moto), with demo data. There is no web app here yet
(<code>cd web &amp;&amp; npm run build</code> puts one at this address).</p>
<ul>
<li><a href="/docs">API documentation</a> (Swagger UI)</li>
<li><a href="/openapi.json">OpenAPI document</a> (generate a typed client from it)</li>
</ul>
<p>Every API route needs <code>Authorization: Bearer &lt;token&gt;</code>: the runner printed
tokens for the demo people when it started, and
<code>python -m local token --org org-harbour --role owner --sub user-olivia</code>
prints one.</p>
</body>
</html>
"""
