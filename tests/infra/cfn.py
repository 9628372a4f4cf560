"""Read template.yaml as plain data and describe what it grants, for the infra tests.

CloudFormation tags are decoded by cfn-lint's own decoder (no home-made YAML loader):
``!Ref X`` becomes ``{"Ref": "X"}``, ``!Sub s`` becomes ``{"Fn::Sub": "s"}`` and so on."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
EVENTS_DIR = REPO_ROOT / "events"

FUNCTION_TYPE = "AWS::Serverless::Function"
_PSEUDO = {
    "AWS::Partition": "<partition>",
    "AWS::Region": "<region>",
    "AWS::AccountId": "<account>",
    "AWS::URLSuffix": "<url-suffix>",
    "AWS::StackName": "<stack>",
}
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


def _plain(node: Any) -> Any:
    # cfn-lint's nodes subclass dict/list/str and carry line marks; keep builtins only.
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


@cache
def load_template() -> dict[str, Any]:
    template, matches = decode(str(TEMPLATE_PATH))
    assert template is not None, f"template.yaml does not parse: {matches}"
    return _plain(template)


def resources(type_name: str | None = None) -> dict[str, dict[str, Any]]:
    return {
        name: res
        for name, res in load_template()["Resources"].items()
        if type_name is None or res["Type"] == type_name
    }


def functions() -> dict[str, dict[str, Any]]:
    return resources(FUNCTION_TYPE)


def globals_function() -> dict[str, Any]:
    return load_template().get("Globals", {}).get("Function", {})


def function_property(name: str, prop: str) -> Any:
    """A function's property as SAM sees it: its own value, else the Globals value."""
    props = functions()[name]["Properties"]
    return props[prop] if prop in props else globals_function().get(prop)


def events(name: str, event_type: str | None = None) -> dict[str, dict[str, Any]]:
    found = functions()[name]["Properties"].get("Events") or {}
    return {
        event_name: event
        for event_name, event in found.items()
        if event_type is None or event["Type"] == event_type
    }


def logical_id(value: Any) -> str:
    """The resource a Ref/GetAtt points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else target.split(".")[0])
    raise AssertionError(f"not a Ref/GetAtt: {value!r}")


def render(value: Any) -> str:
    """A readable, comparable name for an IAM Resource value.

    ``!GetAtt MomentumTable.Arn`` -> ``MomentumTable``; ``!Ref SigningSecret`` ->
    ``SigningSecret``; ``!Sub ${MomentumTable.Arn}/index/due`` -> ``MomentumTable/index/due``;
    pseudo parameters become ``<region>``, ``<account>``..."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Ref":
            return _PSEUDO.get(arg, arg)
        if fn == "Fn::GetAtt":
            parts = arg if isinstance(arg, list) else arg.split(".", 1)
            return parts[0] if parts[1] == "Arn" else f"{parts[0]}.{parts[1]}"
        if fn == "Fn::Sub":
            pattern, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            return _SUB_VARIABLE.sub(lambda m: _sub_token(m.group(1), variables), pattern)
        if fn == "Fn::Select":
            index, items = arg
            if isinstance(items, dict) and "Fn::Split" in items:
                sep, source = items["Fn::Split"]
                return f"split({render(source)},{sep!r})[{index}]"
        return f"{fn}({render(arg) if not isinstance(arg, list) else [render(a) for a in arg]})"
    if isinstance(value, list):
        return str([render(v) for v in value])
    return str(value)


def _sub_token(token: str, variables: dict[str, Any]) -> str:
    if token in variables:
        return render(variables[token])
    if token in _PSEUDO:
        return _PSEUDO[token]
    name, _, attribute = token.partition(".")
    return name if attribute in ("", "Arn") else token


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


STAGES = ("dev", "prod")


def resolve(value: Any, *, stage: str) -> Any:
    """The value as deployed for `stage`: `Fn::If` on IsProd decided, `AWS::NoValue`
    dropped. Any other condition fails: the tests must learn what it means first."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            condition, when_true, when_false = value["Fn::If"]
            assert condition == "IsProd", f"unknown condition {condition} in a policy"
            return resolve(when_true if stage == "prod" else when_false, stage=stage)
        return {k: resolve(v, stage=stage) for k, v in value.items()}
    if isinstance(value, list):
        items = [resolve(v, stage=stage) for v in value]
        return [v for v in items if v != {"Ref": "AWS::NoValue"}]
    return value


def statements(name: str, stage: str = "prod") -> list[dict[str, Any]]:
    """The function's inline IAM statements in `stage`. Anything else in Policies (a SAM
    policy template such as DynamoDBCrudPolicy, a managed policy name/ARN) fails the test:
    those are broad by design and cannot be reviewed statement by statement here."""
    found: list[dict[str, Any]] = []
    for policy in as_list(function_property(name, "Policies")):
        message = f"{name}: Policies must be inline statements only, found {policy!r}"
        assert isinstance(policy, dict), message
        assert set(policy) == {"Statement"}, message
        found.extend(as_list(resolve(policy["Statement"], stage=stage)))
    return found


def event_source_mappings() -> dict[str, dict[str, Any]]:
    """Function logical id -> its SQS event source mapping's properties."""
    return {
        logical_id(mapping["Properties"]["FunctionName"]): mapping["Properties"]
        for mapping in resources("AWS::Lambda::EventSourceMapping").values()
    }


def grants(name: str, stage: str = "prod") -> set[tuple[str, str]]:
    """Every (action, rendered resource) an Allow statement of the function grants."""
    pairs: set[tuple[str, str]] = set()
    for statement in statements(name, stage):
        assert statement.get("Effect") == "Allow", f"{name}: unexpected statement {statement}"
        assert "NotAction" not in statement, statement
        assert "NotResource" not in statement, statement
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                pairs.add((str(action), render(resource)))
    return pairs
