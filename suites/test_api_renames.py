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
