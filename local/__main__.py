"""The local runner's command line.

python -m local serve [--port 3000] [--empty]
python -m local token --org ORG --role ROLE [--sub ID] [--client-id ID] [--locations A,B]
"""

from __future__ import annotations

import argparse
import sys

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
    args = parser.parse_args(argv)

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


def _serve(host: str, port: int, *, empty: bool) -> int:
    from local.runtime import LocalRuntime
    from local.server import serve

    base = f"http://{host}:{port}"
    runtime = LocalRuntime(public_base_url=base)
    runtime.start()
    server = serve(runtime, host, port)
    lines = [f"Momentum local runner listening on {base}", ""]
    if not empty:
        from local import demo

        seeded = demo.seed()
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
        """-d '{"now": "2026-05-12T00:30:00+01:00"}'""",
        f"Emails sent:            curl {base}/_local/emails",
        "Make a token:           "
        ".venv/bin/python -m local token --org org-harbour --role admin --sub <user id>",
    ]
    print("\n".join(lines), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        runtime.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
