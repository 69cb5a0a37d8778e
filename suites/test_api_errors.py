"""Refusals: what a backend can rely on when Sora says no."""
import pytest


@pytest.mark.clause("API-ERROR-TYPE")
def test_refused_start_recording_answers_4xx_with_error_type(sora):
    sora.expect_refused("Sora_20231220.StartRecording", {"channel_id": sora.new_channel()},
                        "StartRecording without a session")


@pytest.mark.clause("API-ERROR-TYPE")
def test_unknown_target_answers_4xx_with_error_type(sora):
    sora.expect_refused("Sora_20231220.NoSuchOperation", {}, "an unknown x-sora-target")
