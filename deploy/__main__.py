"""python -m deploy stack|web|first-owner|smoke --config-env dev|prod.

`make deploy` runs stack and web; `make first-owner` and `make smoke` the other two."""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from deploy import first_owner, smoke, stack, web

# Secrets are never command-line arguments (shell history, ps): the environment, or a prompt.
PASSWORD_VARIABLE = "MOMENTUM_SMOKE_PASSWORD"  # noqa: S105 - a variable name, not a password
NEW_PASSWORD_VARIABLE = "MOMENTUM_SMOKE_NEW_PASSWORD"  # noqa: S105 - likewise


def _session(region: str) -> Any:
    import boto3

    return boto3.session.Session(region_name=region)


def _run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=stack.REPO_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    stack_cmd = commands.add_parser("stack", help="sam deploy, with the web app's URL")
    web_cmd = commands.add_parser("web", help="upload web/dist and config.json, invalidate")
    owner_cmd = commands.add_parser(
        "first-owner", help="create an organization and its first owner (idempotent)"
    )
    smoke_cmd = commands.add_parser(
        "smoke", help="sign in as an owner and exercise the deployed API end to end"
    )
    for command in (stack_cmd, web_cmd, owner_cmd, smoke_cmd):
        command.add_argument("--config-env", default="dev", help="samconfig.toml environment")
    stack_cmd.add_argument("--sam", default="sam", help="the SAM CLI to run")
    web_cmd.add_argument("--dist", type=Path, default=web.DIST, help="the built app")
    owner_cmd.add_argument("--email", required=True, help="the owner's sign-in address")
    owner_cmd.add_argument("--name", required=True, help="the owner's name")
    owner_cmd.add_argument("--org-name", required=True, help="the organization's name")
    owner_cmd.add_argument(
        "--org-id", default="", help="the organization's id (default: org-<its name>)"
    )
    owner_cmd.add_argument("--timezone", default="UTC", help="IANA timezone, e.g. Europe/London")
    owner_cmd.add_argument(
        "--another-owner",
        action="store_true",
        help="add this owner even though the organization has one already",
    )
    smoke_cmd.add_argument("--email", required=True, help="an owner's sign-in address")
    smoke_cmd.add_argument(
        "--mfa", action="store_true", help="the login has TOTP: ask for the current code"
    )
    args = parser.parse_args(argv)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        env = stack.load_environment(args.config_env)
        session = _session(env.region)
        cloudformation = session.client("cloudformation")
        if args.command == "stack":
            app_url = stack.deploy(env, sam=args.sam, cloudformation=cloudformation, run=_run)
            print(f"Stack {env.stack_name} deployed; the app's URL: {app_url}")
        elif args.command == "first-owner":
            first_owner.create(
                cloudformation=cloudformation,
                stack_name=env.stack_name,
                request=first_owner.Request(
                    email=args.email,
                    name=args.name,
                    org_name=args.org_name,
                    org_id=args.org_id,
                    timezone=args.timezone,
                    another_owner=args.another_owner,
                ),
            )
        elif args.command == "smoke":
            return _smoke(session, cloudformation, env.stack_name, args.email, mfa=args.mfa)
        else:
            web.publish(
                cloudformation=cloudformation,
                s3=session.client("s3"),
                cloudfront=session.client("cloudfront"),
                stack_name=env.stack_name,
                dist=args.dist,
            )
    except (stack.StackConfigError, web.DeployError) as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    except (BotoCoreError, ClientError) as error:  # no credentials, no such stack, denied...
        print(f"deploy: AWS said: {error}", file=sys.stderr)
        return 1
    return 0


def _smoke(session: Any, cloudformation: Any, stack_name: str, email: str, *, mfa: bool) -> int:
    outputs = smoke.Outputs.from_outputs(web.read_outputs(cloudformation, stack_name))
    password = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass(f"Password of {email}: ")
    cognito = session.client("cognito-idp")
    try:
        token = smoke.sign_in(
            cognito=cognito,
            user_pool_id=outputs.user_pool_id,
            client_id=outputs.client_id,
            email=email,
            password=password,
            new_password=os.environ.get(NEW_PASSWORD_VARIABLE) or None,
            mfa_code=(lambda: input("TOTP code: ").strip()) if mfa else None,
        )
        nightly = smoke.lambda_nightly(session.client("lambda"), outputs.nightly_function)
        smoke.run(smoke.Api(outputs.api_url, token), nightly)
    except smoke.SmokeFailed as error:
        print(f"smoke: FAILED: {error}", file=sys.stderr)
        return 1
    print(f"smoke: passed against {outputs.api_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
