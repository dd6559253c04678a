"""Secrets in URLs never reach a log line: a logging filter.

`catalog serve` attaches `RedactSecrets` to its one log handler through its logging
configuration (`app.observability.logs.serve_log_config`), so it also applies in every worker
process; the per-request line redacts its path and query with `redact` as well.
In a query string the value of any parameter whose name looks like a credential (`token`,
`access_token`, `api_key`, `secret`, `password`, `signature`, …) is replaced by `[REDACTED]`,
and so is any value anywhere in the line that is shaped like a catalog token (`mcat_…`).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

REDACTED = "[REDACTED]"
_SENSITIVE_NAME = re.compile(
    r"token|secret|passw|pwd|api[-_.]?key|apikey|^auth$|authori[sz]ation|credential|signature"
    r"|^sig$|^key$|session",
    re.IGNORECASE,
)
_CATALOG_TOKEN = re.compile(r"mcat_[A-Za-z0-9_%-]*")
_QUERY = re.compile(r"\?([^\s\"#]*)")


def _redact_parameter(parameter: str) -> str:
    name, eq, value = parameter.partition("=")
    if not eq:
        return parameter
    if _SENSITIVE_NAME.search(unquote_plus(name)) or unquote_plus(value).startswith("mcat_"):
        return f"{name}={REDACTED}"
    return parameter


def _redact_query(match: re.Match[str]) -> str:
    parts = re.split(r"([&;])", match.group(1))
    return "?" + "".join(part if part in ("&", ";") else _redact_parameter(part) for part in parts)


def redact(text: str) -> str:
    """`text` with credentials in query strings and catalog tokens replaced by [REDACTED]."""
    if "?" in text:
        text = _QUERY.sub(_redact_query, text)
    if "mcat_" in text:
        text = _CATALOG_TOKEN.sub(REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and string arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True
