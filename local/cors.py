"""CORS as the deployed HTTP API answers it, read from template.yaml's CorsConfiguration.

API Gateway answers a preflight (`OPTIONS` with `Access-Control-Request-Method`) itself,
before the JWT authorizer and without calling a function, and adds the CORS headers to
every other answer of an allowed origin. The origins are the `AllowedOrigins` parameter's
default: the local web dev server's (Vite, port 5173).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Cors:
    origins: frozenset[str]
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    expose: tuple[str, ...]
    max_age: int | None
    credentials: bool

    @classmethod
    def from_template(cls, template: dict[str, Any]) -> Cors:
        props = template["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]
        return cls(
            origins=frozenset(_values(template, props.get("AllowOrigins", []))),
            methods=tuple(str(m).upper() for m in props.get("AllowMethods", [])),
            headers=tuple(str(h).lower() for h in props.get("AllowHeaders", [])),
            expose=tuple(str(h).lower() for h in props.get("ExposeHeaders", [])),
            max_age=props.get("MaxAge"),
            credentials=bool(props.get("AllowCredentials", False)),
        )

    def allows(self, origin: str | None) -> bool:
        return origin is not None and (origin in self.origins or "*" in self.origins)

    def preflight(self, request: Request) -> Response | None:
        """API Gateway's answer to a preflight, or None when the request is not one."""
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return None
        response = Response(status=204)
        del response.headers["Content-Type"]  # no body, as API Gateway answers it
        origin = request.headers.get("Origin")
        if self.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = str(origin)
            response.headers["Access-Control-Allow-Methods"] = ",".join(self.methods)
            response.headers["Access-Control-Allow-Headers"] = ",".join(self.headers)
            if self.max_age is not None:
                response.headers["Access-Control-Max-Age"] = str(self.max_age)
            if self.credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
        return response

    def decorate(self, request: Request, response: Response) -> Response:
        """The CORS headers API Gateway adds to an answer for an allowed origin."""
        origin = request.headers.get("Origin")
        if self.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = str(origin)
            response.headers["Access-Control-Expose-Headers"] = ",".join(self.expose)
            if self.credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
            response.vary.add("Origin")
        return response


def _values(template: dict[str, Any], node: Any) -> list[str]:
    """A list, or a `Ref` to a CommaDelimitedList parameter (its default)."""
    if isinstance(node, dict) and "Ref" in node:
        default = template.get("Parameters", {}).get(node["Ref"], {}).get("Default", "")
        node = default if isinstance(default, list) else str(default).split(",")
    return [str(value).strip() for value in node if str(value).strip()]
