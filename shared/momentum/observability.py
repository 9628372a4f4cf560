"""The one Logger and Metrics of every function (configured by POWERTOOLS_* env vars).

No Powertools Tracer: Lambda's active tracing (template Globals) already records every
invocation and its AWS calls' timing at the service level, while the Tracer's X-Ray SDK
would add ~0.9 s of imports to every cold start and botocore to the layer."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics

# A request that records no business metric is normal, not worth a warning per invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)

logger = Logger(service="momentum")
metrics = Metrics(namespace="Momentum", service="momentum")

USE_CASE_OUTCOME = "UseCaseOutcome"


def count_outcome(operation: str, outcome: str) -> None:
    """One request of `operation` (its OpenAPI operation id) ended in `outcome` (created,
    ok, conflict, refused, invalid, not_found, failed: momentum.api.request.Outcome).

    Flushed by the handler's `log_metrics` with whatever else it recorded: the HTTP
    functions record nothing else, and one request is one invocation."""
    metrics.add_dimension(name="operation", value=operation)
    metrics.add_dimension(name="outcome", value=outcome)
    metrics.add_metric(name=USE_CASE_OUTCOME, unit="Count", value=1)
