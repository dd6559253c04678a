"""Log lines in JSON or text (`CATALOG_LOG_FORMAT`), each carrying the request id.

`RequestContextFilter` (on the handler, so it sees every logger's records) stamps each record
with the id of the request being served (the contextvar of `request_context`), errors and
tracebacks included; outside a request it is None. `JsonFormatter` writes one JSON object per
line: `time level logger message request_id`, `exception` when there is one, and for the
per-request line (`app.access`) the request's fields (see `access.py`). `TextFormatter` writes
`LEVEL: message (request <id>)`, and the per-request line like uvicorn's access log plus its
fields. `serve_log_config` is the logging configuration `catalog serve` hands to uvicorn (so it
applies in every worker), with secrets in query strings redacted.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from app.http.log_redaction import RedactSecrets
from app.observability.request_context import current_request

LOG_FORMATS = ("text", "json")
ACCESS_LOGGER = "app.access"


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            stats = current_request.get()
            record.request_id = stats.request_id if stats is not None else None
        return True


def _timestamp(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] | None = getattr(record, "access", None)
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if fields is not None:
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] | None = getattr(record, "access", None)
        if fields is not None:
            return f"{record.levelname}: {access_text(fields, getattr(record, 'request_id', None))}"
        text = f"{record.levelname}: {record.getMessage()}"
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            text += f" (request {request_id})"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def access_text(fields: dict[str, Any], request_id: str | None) -> str:
    """The per-request line in text: uvicorn's access format, then the request's fields."""
    target = fields["path"] + (f"?{fields['query']}" if fields.get("query") else "")
    return (
        f'{fields["client"]} - "{fields["method"]} {target} HTTP/{fields["http_version"]}" '
        f"{fields['status']} {fields['duration_ms']}ms route={fields['route']} "
        f"operation={fields['operation'] or '-'} sql={fields['sql_statements']} "
        f"organization={fields['organization'] or '-'} request_id={request_id or '-'}"
    )


def serve_log_config(log_format: str) -> dict[str, Any]:
    """logging.config.dictConfig for `catalog serve`: every logger through one stderr handler
    with the request id and redaction filters."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    handler = ["stderr"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": f"{__name__}.RequestContextFilter"},
            "redact_secrets": {"()": f"{RedactSecrets.__module__}.RedactSecrets"},
        },
        "formatters": {"catalog": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "catalog",
                "filters": ["request_context", "redact_secrets"],
            }
        },
        "loggers": {
            "uvicorn": {"handlers": handler, "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": handler, "level": "INFO", "propagate": False},
            "app": {"handlers": handler, "level": "INFO", "propagate": False},
        },
        "root": {"handlers": handler, "level": "WARNING"},
    }
