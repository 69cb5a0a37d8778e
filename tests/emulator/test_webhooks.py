"""Webhook delivery on aiohttp: every failure is a Delivery with an error and a line in *_error.jsonl."""
import asyncio
import json
import threading
import time

from werkzeug import Response

from sora_emulator.webhooks import Hook, WebhookLog, WebhookSender

PAYLOAD = {"type": "session.created", "session_id": "S1", "channel_id": "c"}


def deliver(url, log_dir, timeout=5.0):
    sender = WebhookSender({Hook.SESSION: url}, WebhookLog(log_dir), timeout)

    async def send():
        try:
            return await sender.send(Hook.SESSION, PAYLOAD)
        finally:
            await sender.close()

    return asyncio.run(send())


def errors(log_dir):
    path = log_dir / "session_webhook_error.jsonl"
    return [json.loads(line)["error"] for line in path.read_text().splitlines()] if path.exists() else []


def test_answer_is_parsed_and_sora_headers_are_sent(httpserver, tmp_path):
    httpserver.expect_request("/hook", method="POST", json=PAYLOAD,
                              headers={"sora-session-webhook-type": "session.created", "sora-session-id": "S1"}
                              ).respond_with_json({"recording": True})
    delivery = deliver(httpserver.url_for("/hook"), tmp_path)
    assert delivery.ok and delivery.status == 200 and delivery.body == {"recording": True}
    assert errors(tmp_path) == []


def test_non_2xx_answer_is_an_error(httpserver, tmp_path):
    httpserver.expect_request("/hook").respond_with_data("nope", status=500)
    delivery = deliver(httpserver.url_for("/hook"), tmp_path)
    assert not delivery.ok and delivery.status == 500 and errors(tmp_path) == ["HTTP 500"]


def test_receiver_that_never_answers_times_out(httpserver, tmp_path):
    release = threading.Event()

    def hold(request):
        release.wait(10)  # held until the test is done with it
        return Response("{}")

    httpserver.expect_request("/hook").respond_with_handler(hold)
    started = time.monotonic()
    try:
        delivery = deliver(httpserver.url_for("/hook"), tmp_path, timeout=0.3)
    finally:
        release.set()
    assert not delivery.ok and delivery.error == "no answer within 0.3 s"
    assert time.monotonic() - started < 3 and errors(tmp_path) == ["no answer within 0.3 s"]


def test_unreachable_and_unusable_urls_are_errors_not_exceptions(tmp_path):
    assert "cannot reach" in (deliver("http://127.0.0.1:9/down", tmp_path).error or "")
    assert not deliver("ftp://127.0.0.1/hook", tmp_path).ok
    assert len(errors(tmp_path)) == 2
