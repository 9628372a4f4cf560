"""The local runner's command line.

python -m local serve [--port 3000] [--empty]
python -m local token --org ORG --role ROLE [--sub ID] [--client-id ID] [--locations A,B]
python -m local openapi [--output FILE]
"""

from __future__ import annotations

import argparse
import socket
import sys
from datetime import timedelta
from typing import Any

from local import tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the local runner")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--empty", action="store_true", help="start without demo data")
    token = commands.add_parser("token", help="print a bearer token")
    token.add_argument("--org", required=True)
    token.add_argument(
        "--role", required=True, choices=["owner", "admin", "location_admin", "staff", "client"]
    )
    token.add_argument("--sub")
    token.add_argument("--client-id")
    token.add_argument("--locations", help="comma-separated location ids")
    token.add_argument("--ttl", type=int, default=tokens.DEFAULT_TTL_SECONDS, help="seconds")
    openapi = commands.add_parser(
        "openapi", help="print the OpenAPI document (/openapi.json) without a running server"
    )
    openapi.add_argument("--output", "-o", help="write it to this file instead")
    args = parser.parse_args(argv)

    if args.command == "openapi":
        from local.openapi import document

        text = document()
        if args.output:
            with open(args.output, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            sys.stdout.write(text)
        return 0

    if args.command == "token":
        if args.role == "client" and not args.client_id:
            parser.error("--role client needs --client-id")
        print(
            tokens.issue(
                org=args.org,
                role=args.role,
                sub=args.sub,
                client_id=args.client_id,
                locations=[x for x in (args.locations or "").split(",") if x],
                ttl_seconds=args.ttl,
            )
        )
        return 0
    return _serve(args.host, args.port, empty=args.empty)


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _step(text: str) -> None:
    print(f"  {text}", flush=True)


def _serve(host: str, port: int, *, empty: bool) -> int:
    from local.runtime import LocalRuntime
    from local.server import serve

    base = f"http://{host}:{port}"
    # Before anything slow: a second runner (or anything else) on the port.
    if _port_taken(host, port):
        print(
            f"Port {port} on {host} is in use (another `make run`?). Stop it, or pick another "
            f"port: make run PORT={port + 1}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    print(f"Starting the Momentum local runner on {base}", flush=True)
    _step("local AWS (moto) and the template's tables, queues and user pool")
    runtime = LocalRuntime(public_base_url=base)
    runtime.start()
    server = serve(runtime, host, port)
    lines = ["", f"Momentum local runner listening on {base}", ""]
    if not empty:
        from local import demo

        seeded = demo.seed(progress=_step)
        from local import signin

        signin.register(seeded.users)  # the web app's sign-in lists these people
        lines.append("Demo users (Authorization: Bearer <token>):")
        for user in seeded.users:
            t = tokens.issue(
                org=user.org,
                role=user.role,
                sub=user.sub,
                client_id=user.client_id,
                locations=list(user.locations),
            )
            lines.append(f"  {user.label:32} {t}")
        lines.append("")
    lines += [
        f"API docs (Swagger UI):  {base}/docs",
        f"OpenAPI document:       {base}/openapi.json",
        f"Try it:                 curl -H 'Authorization: Bearer <token>' {base}/org",
        f"Run the nightly:        curl -X POST {base}/_local/nightly",
        f"Move the clock:         curl -X POST {base}/_local/clock "
        f"""-H 'Content-Type: application/json' -d '{{"now": "{_tomorrow(runtime)}"}}'""",
        f"Emails sent:            curl {base}/_local/emails",
        "Make a token:           "
        ".venv/bin/python -m local token --org org-harbour --role admin --sub <user id>",
    ]
    lines.append("")
    lines.append("Requests (method, path, status, time):")
    print("\n".join(lines), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        runtime.stop()
    return 0


def _tomorrow(runtime: Any) -> str:
    """Half past midnight tomorrow in the demo's timezone: after the next nightly run."""
    from zoneinfo import ZoneInfo

    from local.demo import TIMEZONE

    local_now = runtime.now().astimezone(ZoneInfo(TIMEZONE))
    moved = (local_now + timedelta(days=1)).replace(hour=0, minute=30, second=0, microsecond=0)
    return moved.isoformat()


if __name__ == "__main__":
    sys.exit(main())
