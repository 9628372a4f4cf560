"""Deployment to AWS: `make deploy` runs `python -m deploy stack` then `python -m deploy web`.

- `deploy.stack` runs `sam deploy` with the samconfig.toml environment's parameters plus the
  web app's URL (WebAppUrl), which only exists once the distribution does: a stack's first
  deployment therefore runs twice (see docs/operations.md, "Web app").
- `deploy.web` reads the stack's outputs, writes the app's config.json, uploads web/dist to
  the bucket with the right Content-Type and Cache-Control per file, and invalidates
  CloudFront.

Nothing here runs in Lambda or in the local runner; the tests drive it against moto.
"""
