"""The local runner's HTTP front: the template's routes plus the local-only /_local routes."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

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
    def __init__(self, runtime: LocalRuntime) -> None:
        self.runtime = runtime

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Exception as error:  # the runner itself must never hang a client
            import traceback

            traceback.print_exc()
            response = _problem(500, f"local runner error: {type(error).__name__}")
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_local/"):
            return self.local_route(request)
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
        route = (request.method, request.path.rstrip("/"))
        if route == ("POST", "/_local/clock"):
            try:
                payload = json.loads(request.get_data() or b"{}")
                now = datetime.fromisoformat(str(payload["now"]).replace("Z", "+00:00"))
                if now.tzinfo is None:
                    raise ValueError("timestamp needs an offset")
            except (ValueError, KeyError, TypeError) as error:
                return _problem(422, f'Send {{"now": "<ISO timestamp with offset>"}}: {error}')
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
