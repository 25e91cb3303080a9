"""The server's access log, with the secrets a client put in a URL masked before the line is written.

Keys belong in headers, but a client may still send `?api_key=...` or `?token=...`; the access log
must not become the place where they can be read.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import uvicorn.config

# A query parameter whose name says it holds a secret, and any datagraph API key wherever it appears.
_SECRET_PARAMETER = re.compile(
    r"([?&](?:[^=&#]*(?:key|token|pass|pwd|secret|auth|credential|session)[^=&#]*)=)[^&#\s]*", re.IGNORECASE
)
_API_KEY = re.compile(r"dg_[0-9a-f]{8}_[A-Za-z0-9_\-]+")


def redact(path: str) -> str:
    """`path` with secret parameter values and API keys replaced by ***."""
    return _API_KEY.sub("dg_***", _SECRET_PARAMETER.sub(r"\1***", path))


class RedactSecrets(logging.Filter):
    """Masks secrets in uvicorn's access lines (their third argument is the path with its query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            record.args = (*record.args[:2], redact(record.args[2]), *record.args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration, its access handler filtered by RedactSecrets."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": RedactSecrets}
    config["handlers"]["access"].setdefault("filters", []).append("redact_secrets")
    return config
