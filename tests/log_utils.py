"""Reading the request log (qingshan.request) as production writes it: one JSON object per line."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from qingshan.logging import JsonFormatter, RequestIdFilter


@contextmanager
def request_log() -> Iterator[list[dict]]:
    """The request log lines written inside the block, parsed; the list is filled when the block ends."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    request_logger = logging.getLogger("qingshan.request")
    old_level = request_logger.level
    request_logger.addHandler(handler)
    request_logger.setLevel(logging.INFO)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        request_logger.removeHandler(handler)
        request_logger.setLevel(old_level)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
