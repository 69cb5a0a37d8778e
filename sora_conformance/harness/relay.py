"""Relaying a captured webhook to another receiver and handing its answer back unchanged."""
from __future__ import annotations

import json

import requests
from werkzeug import Request, Response

HOP_BY_HOP = ("host", "content-length")


def relay(request: Request, raw: bytes, url: str) -> Response:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
    try:
        answer = requests.post(url, data=raw, headers=headers, timeout=10)
    except requests.RequestException as exc:
        return Response(json.dumps({"error": f"relay to {url} failed: {exc}"}), status=502,
                        content_type="application/json")
    return Response(answer.content, status=answer.status_code,
                    content_type=answer.headers.get("content-type", "application/json"))
