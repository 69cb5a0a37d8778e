"""Refusals: what a backend can rely on when Sora says no."""
import pytest


@pytest.mark.clause("API-ERROR-TYPE")
def test_refused_start_recording_answers_4xx_with_error_type(sora):
    channel = sora.new_channel()
    answer = sora.call("Sora_20231220.StartRecording", {"channel_id": channel})
    body = answer.response if isinstance(answer.response, dict) else {}
    sora.check("API-ERROR-TYPE", 400 <= answer.status < 500, "the refusal is not a 4xx", "4xx", answer.status)
    sora.check("API-ERROR-TYPE", isinstance(body.get("error_type"), str), "the refusal has no error_type",
               "a JSON body with error_type", answer.response)


@pytest.mark.clause("API-ERROR-TYPE")
def test_unknown_target_answers_4xx_with_error_type(sora):
    answer = sora.call("Sora_20231220.NoSuchOperation", {})
    body = answer.response if isinstance(answer.response, dict) else {}
    sora.check("API-ERROR-TYPE", 400 <= answer.status < 500 and isinstance(body.get("error_type"), str),
               "an unknown x-sora-target is not answered 4xx with error_type", "4xx + error_type",
               {"status": answer.status, "body": answer.response})
