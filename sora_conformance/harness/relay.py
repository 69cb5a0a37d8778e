"""Relaying a captured webhook to another receiver and handing its answer back unchanged."""
from __future__ import annotations

import json

import requests
from werkzeug import Request, Response

HOP_BY_HOP = ("host", "content-length", "transfer-encoding", "connection", "keep-alive")


def relay(request: Request, raw: bytes, url: str) -> Response:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
    try:
        answer = requests.post(url, data=raw, headers=headers, timeout=10)
    except requests.RequestException as exc:  # the poster learns nothing of the receiver's address
        return Response(json.dumps({"error": f"relay failed: {type(exc).__name__}"}), status=502,
                        content_type="application/json")
    return Response(answer.content, status=answer.status_code,
                    content_type=answer.headers.get("content-type", "application/json"))
