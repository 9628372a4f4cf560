"""The API contract web clients generate from: what each route declares about its answers
(`ok`, `created`, `no_content`, `export`, used in the route decorators) and the finishing
of the OpenAPI 3.1 document Powertools builds (`finish`).

The document must generate clean clients (openapi-typescript, openapi-python-client) and
pass openapi-spec-validator; tests/e2e/test_api_contract.py runs all three on what
/openapi.json serves. Plain dicts only: Powertools' OpenAPI models load when the document
is asked for, never at import (cold starts)."""

from __future__ import annotations

import copy
from typing import Any

Responses = dict[int, Any]

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'The record\'s version, e.g. `"3"`: send it back as `If-Match` to '
        "change the record only if nobody changed it since.",
        "schema": {"type": "string", "examples": ['"3"']},
    },
    "Location": {
        "description": "The path of the record made.",
        "schema": {"type": "string", "examples": ["/clients/cl_Q1E2JZS00T5C4RS9AXADT762MV"]},
    },
    "Content-Disposition": {
        "description": "For `format=csv`: `attachment` with the file's name.",
        "schema": {
            "type": "string",
            "examples": ['attachment; filename="on-track-2026-05-12.csv"'],
        },
    },
    "X-Next-Cursor": {
        "description": "For `format=csv`, when more rows remain: pass it as `cursor` to "
        "export the next file.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "examples": ["1"]},
    },
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with.",
        "schema": {"type": "string", "examples": ['Bearer realm="momentum"']},
    },
}


def _headers(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: copy.deepcopy(HEADERS[name]) for name in names}


def ok(description: str, *headers: str, status: int = 200) -> Responses:
    """The 2xx answer of a route: what it is, and the headers it carries."""
    answer: dict[str, Any] = {"description": description}
    if headers:
        answer["headers"] = _headers(headers)
    return {status: answer}


def created(description: str, *headers: str) -> Responses:
    """A create's 201: the record made, with `Location` (and `ETag` unless told otherwise)."""
    return ok(description, *(headers or ("ETag", "Location")), status=201)


def no_content(description: str) -> Responses:
    """A 204: nothing in the body (Powertools would document the return type's schema)."""
    return {204: {"description": description, "content": {}}}


def export(description: str, model: type[Any]) -> Responses:
    """A report: `model` as JSON, or the same rows as a CSV file for `format=csv`."""
    return {
        200: {
            "description": description,
            "headers": _headers(("Content-Disposition", "X-Next-Cursor")),
            "content": {
                "application/json": {"model": model},
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "description": "UTF-8 with a byte order mark, a header row first.",
                    }
                },
            },
        }
    }


# -- errors ---------------------------------------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error, as RFC 9457 application/problem+json.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"}},
    },
}
FIELD_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "FieldProblem",
    "description": "For 422: one invalid field (or header, query or path parameter).",
    "type": "object",
    "required": ["loc", "field", "msg", "type"],
    "properties": {
        "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
        "field": {"type": "string", "examples": ["body.on_track.window_days"]},
        "msg": {"type": "string", "examples": ["must be at least 1"]},
        "type": {"type": "string", "examples": ["greater_than_equal"]},
    },
}
GATEWAY_ERROR_SCHEMA: dict[str, Any] = {
    "title": "GatewayError",
    "description": "An error API Gateway answers itself, before the API's code runs.",
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string", "examples": ["Unauthorized"]}},
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_GATEWAY_REF = {"$ref": "#/components/schemas/GatewayError"}
_PROBLEM = {"application/problem+json": {"schema": _PROBLEM_REF}}
_GATEWAY = {"application/json": {"schema": _GATEWAY_REF}}

# status: (description, from our code, from API Gateway, headers)
_ERRORS: dict[str, tuple[str, bool, bool, tuple[str, ...]]] = {
    "400": ("The request cannot be read: an unknown query parameter, a tampered cursor.",
            True, False, ()),
    "401": ("No valid bearer token. API Gateway's JWT authorizer answers "
            '`{"message": "Unauthorized"}` itself; a token naming no user of its '
            "organization is a problem+json.", True, True, ("WWW-Authenticate",)),
    "403": ("Your role may not do this.", True, False, ()),
    "404": ("No such record in your organization.", True, False, ()),
    "409": ("The record's state refuses the change.", True, False, ()),
    "412": ("`If-Match` does not match the record's current `ETag`.", True, False, ()),
    "413": ("The body is larger than the API reads (256 KiB).", True, False, ()),
    "415": ("The body is not sent as `Content-Type: application/json`.", True, False, ()),
    "422": ("Invalid fields: `errors` names each one.", True, False, ()),
    "429": ("Too many requests: API Gateway's throttling "
            '(`{"message": "Too Many Requests"}`). Wait and try again.', False, True, ()),
    "500": ("Something went wrong on our side; nothing is known to have changed.",
            True, True, ()),
    "503": ("Busy; nothing was changed. Retry after `Retry-After` seconds. API Gateway "
            'answers `{"message": "Service Unavailable"}` when the function did not answer '
            "in time.", True, True, ("Retry-After",)),
}  # fmt: skip
_WRITES = {"post", "put", "patch", "delete"}
_POWERTOOLS_422 = "Validation Error"
_NOT_IN_A_SCHEMA = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
# Header parameters by the name the API documents (HTTP headers are case-insensitive;
# Powertools lower-cases them).
_HEADER_NAMES = {"if-match": "If-Match", "idempotency-key": "Idempotency-Key"}
_HEADER_DESCRIPTIONS = {
    "If-Match": "The `ETag` you read: the change is made only if the record is still that "
    "version (else 412). Without it, the change is made whatever the version.",
    "Idempotency-Key": "A unique string per create (a UUID): a retry with the same key and "
    "body gets the first answer and makes nothing twice; with another body it is a 422.",
}


def _errors_of(operation: dict[str, Any], method: str) -> list[str]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    public = operation.get("security") in ([], [{}])
    codes = ["400", "403", "404", "429", "500", "503"]
    if not public:
        codes.append("401")
    if method in _WRITES:
        codes.append("409")
    if any(p["in"] == "header" and p["name"] == "If-Match" for p in parameters):
        codes.append("412")
    if has_body:
        codes += ["413", "415"]
    if has_body or parameters:
        codes.append("422")
    return sorted(codes)


def _error_response(code: str) -> dict[str, Any]:
    description, ours, gateway, headers = _ERRORS[code]
    content: dict[str, Any] = {}
    if ours and gateway:
        # A client that reads the body whatever its type (openapi-python-client reads the
        # first) can still tell the two apart.
        either = {"anyOf": [_GATEWAY_REF, _PROBLEM_REF]}
        content["application/json"] = {"schema": either}
        content.update(copy.deepcopy(_PROBLEM))
    elif ours:
        content.update(copy.deepcopy(_PROBLEM))
    else:
        content.update(copy.deepcopy(_GATEWAY))
    answer: dict[str, Any] = {"description": description, "content": content}
    if headers:
        answer["headers"] = _headers(headers)
    return answer


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` → X: a header or query parameter is absent, never null."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    kept = [b for b in branches if b != {"type": "null"}]
    if len(kept) != 1 or len(kept) == len(branches):
        return schema
    plain = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**kept[0], **plain}


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    if parameter["in"] == "header":
        parameter["name"] = _HEADER_NAMES.get(parameter["name"].lower(), parameter["name"])
        if parameter["name"] in _HEADER_DESCRIPTIONS:
            parameter.setdefault("description", _HEADER_DESCRIPTIONS[parameter["name"]])
    if parameter["in"] in ("header", "query"):
        parameter["schema"] = _not_null(parameter["schema"])
        parameter["schema"].pop("title", None)
    return parameter


def _json_of(response: dict[str, Any]) -> None:
    """A report's JSON answer is its report model alone (its handler may also return CSV)."""
    json_content = response.get("content", {}).get("application/json", {})
    branches = json_content.get("schema", {}).get("anyOf")
    if isinstance(branches, list):
        refs = [b for b in branches if "$ref" in b]
        if len(refs) == 1:
            json_content["schema"] = refs[0]


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The document as Powertools builds it, made a contract: problem+json and API
    Gateway's own errors on every operation (only the codes it can answer), header and
    query parameters as plain types, no empty 204 bodies, no validation schemas of
    Powertools' own (the API answers problem+json instead)."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _NOT_IN_A_SCHEMA:
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["FieldProblem"] = FIELD_PROBLEM_SCHEMA
    schemas["GatewayError"] = GATEWAY_ERROR_SCHEMA
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _finish_operation(operation, method)
    return document


def _finish_operation(operation: dict[str, Any], method: str) -> None:
    operation["parameters"] = [_parameter(p) for p in operation.get("parameters", [])]
    if not operation["parameters"]:
        del operation["parameters"]
    responses = operation["responses"]
    declared = _declared_errors(responses)
    for answer in responses.values():
        if not answer.get("content"):
            answer.pop("content", None)
        _json_of(answer)
    for code in sorted(set(_errors_of(operation, method)) | set(declared)):
        responses[code] = _error_response(code)
        if code in declared:
            responses[code]["description"] = declared[code]["description"]
    operation["responses"] = dict(sorted(responses.items()))


def _declared_errors(responses: dict[Any, Any]) -> dict[str, Any]:
    """Takes the error answers a route declared out of `responses` (they are rewritten as
    problems, keeping their description), dropping Powertools' own 422."""
    declared: dict[str, Any] = {}
    for code in [c for c in responses if not str(c).startswith("2")]:
        answer = responses.pop(code)
        if answer.get("description") != _POWERTOOLS_422:
            declared[str(code)] = answer
    return declared
