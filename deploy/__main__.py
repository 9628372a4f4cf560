"""python -m deploy stack|web --config-env dev|prod (what `make deploy` runs)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from deploy import stack, web


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
    for command in (stack_cmd, web_cmd):
        command.add_argument("--config-env", default="dev", help="samconfig.toml environment")
    stack_cmd.add_argument("--sam", default="sam", help="the SAM CLI to run")
    web_cmd.add_argument("--dist", type=Path, default=web.DIST, help="the built app")
    args = parser.parse_args(argv)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        env = stack.load_environment(args.config_env)
        session = _session(env.region)
        cloudformation = session.client("cloudformation")
        if args.command == "stack":
            app_url = stack.deploy(env, sam=args.sam, cloudformation=cloudformation, run=_run)
            print(f"Stack {env.stack_name} deployed; the app's URL: {app_url}")
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


if __name__ == "__main__":
    sys.exit(main())
