"""Links in emails go to the web app: the mailer (the only function that renders emails)
gets its URL — WebAppUrl, else the custom domain, else the distribution's — and nothing
the distribution depends on refers back to the mailer (no cycle)."""

from __future__ import annotations

import json

from tests.infra.cfn import functions

NAME = "MOMENTUM_APP_BASE_URL"


def _variables(function: str) -> dict[str, object]:
    env = functions()[function]["Properties"].get("Environment", {})
    variables: dict[str, object] = env.get("Variables", {})
    return variables


def test_the_mailer_links_to_the_web_app_url_or_else_the_distribution() -> None:
    value = _variables("MailerFunction")[NAME]
    assert value == {
        "Fn::If": [
            "HasWebAppUrl",
            {"Ref": "WebAppUrl"},
            {
                "Fn::If": [
                    "HasWebDomain",
                    {"Fn::Sub": "https://${WebDomainName}"},
                    {"Fn::Sub": "https://${WebDistribution.DomainName}"},
                ]
            },
        ]
    }


def test_only_the_mailer_gets_it() -> None:
    """Other functions render no email; the HTTP functions could not take it anyway (the
    distribution → HttpApi → their integrations would close a cycle)."""
    having = {name for name in functions() if NAME in _variables(name)}
    assert having == {"MailerFunction"}
    for name in ("ApiFunction", "ReportsFunction"):
        assert "WebDistribution" not in json.dumps(functions()[name]["Properties"])
