"""The one Logger, Tracer and Metrics of every function (configured by POWERTOOLS_* env vars)."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

# A request that records no business metric is normal, not worth a warning per invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)

logger = Logger(service="momentum")
tracer = Tracer(service="momentum")
metrics = Metrics(namespace="Momentum", service="momentum")
