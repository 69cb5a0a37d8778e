"""The HTTP client of the harness tests: urllib3, as the harness itself (no retries, no redirects followed)."""
from typing import Any

import urllib3

HTTP = urllib3.PoolManager(retries=False, timeout=10.0)


def post_json(url: str, body: Any) -> urllib3.BaseHTTPResponse:
    return HTTP.request("POST", url, json=body)


def post_bytes(url: str, body: bytes | str) -> urllib3.BaseHTTPResponse:
    return HTTP.request("POST", url, body=body.encode() if isinstance(body, str) else body)
