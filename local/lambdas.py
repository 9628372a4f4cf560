"""Invoke a function's real handler in-process, as Lambda would."""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from local.infra import ACCOUNT_ID, REGION


@dataclass
class LocalContext:
    """The parts of the Lambda context object our handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load_handler(handler: str) -> Any:
    module_name, _, attribute = handler.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def invoke(handler: str, function_name: str, event: dict[str, Any]) -> Any:
    return load_handler(handler)(event, LocalContext(function_name=function_name))
