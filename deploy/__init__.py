"""Deployment to AWS: `make deploy` runs `python -m deploy stack` then `python -m deploy web`.

- `deploy.stack` runs `sam deploy` with the samconfig.toml environment's parameters plus the
  web app's URL (WebAppUrl), which only exists once the distribution does: a stack's first
  deployment therefore runs twice (see docs/operations.md, "Web app").
- `deploy.web` reads the stack's outputs, writes the app's config.json, uploads web/dist to
  the bucket with the right Content-Type and Cache-Control per file, and invalidates
  CloudFront.
- `deploy.first_owner` (`make first-owner`): an organization and its first owner, through
  the momentum package's own use cases, pointed at the stack's table and user pool.
- `deploy.smoke` (`make smoke`): signs in as an owner (Cognito SRP) and exercises the
  deployed API and the nightly function, then deletes what it made.

Nothing here runs in Lambda or in the local runner; the tests drive it against moto.
"""
