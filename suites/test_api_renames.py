"""The session APIs that replace the legacy recording queries: GetSession and ListSessions."""
import pytest


@pytest.mark.clause("API-GETSESSION-REPLACES")
def test_get_session_answers_for_the_live_session(sora):
    channel, client = sora.live_channel()
    answer = sora.expect_accepted("Sora_20231220.GetSession", {"channel_id": channel, "session_id": client.session_id},
                                  "GetSession of the live session")
    body = answer.response if isinstance(answer.response, dict) else {}
    sora.check_value(body, "session_id", client.session_id, "GetSession answered for another session")


@pytest.mark.clause("API-LISTSESSIONS-REPLACES")
def test_list_sessions_lists_the_live_session(sora):
    _, client = sora.live_channel()
    answer = sora.expect_accepted("Sora_20231220.ListSessions", {}, "ListSessions")
    listed = [s.get("session_id") for s in answer.response if isinstance(s, dict)] \
        if isinstance(answer.response, list) else []
    sora.check(client.session_id in listed, "ListSessions does not list the session", client.session_id, listed)


@pytest.mark.clause("SESSION-SHOWS-RECORDING")
def test_get_session_shows_the_running_recording(sora):
    rec = sora.recording(expire_time=3600)
    body = sora.get_session(rec.channel, rec.session_id).response
    shown = body.get("recording") if isinstance(body, dict) and isinstance(body.get("recording"), dict) else {}
    wanted = {"recording_id": rec.recording_id, "expire_time": 3600, "split_only": False}
    seen = {key: shown.get(key) for key in wanted}
    sora.check(seen == wanted, "GetSession does not show the running recording", wanted, seen)


@pytest.mark.clause("SESSION-SHOWS-RECORDING")
def test_list_sessions_shows_the_running_recording(sora):
    rec = sora.recording()
    answer = sora.expect_accepted("Sora_20231220.ListSessions", {}, "ListSessions")
    items = answer.response if isinstance(answer.response, list) else []
    mine = [s for s in items if isinstance(s, dict) and s.get("session_id") == rec.session_id]
    shown = mine[0].get("recording") if mine and isinstance(mine[0].get("recording"), dict) else {}
    sora.check(shown.get("recording_id") == rec.recording_id, "ListSessions does not show the running recording",
               {"recording": {"recording_id": rec.recording_id}}, mine[0] if mine else "session not listed")
