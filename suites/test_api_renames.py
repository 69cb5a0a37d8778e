"""The session APIs that replace the legacy recording queries: GetSession and ListSessions."""
import pytest


@pytest.mark.clause("API-GETSESSION-REPLACES")
def test_get_session_answers_for_the_live_session(sora):
    channel = sora.new_channel()
    client = sora.connect(channel)
    answer = sora.get_session(channel, client.session_id)
    sora.check("API-GETSESSION-REPLACES", answer.ok, "GetSession did not find the live session", "2xx",
               {"status": answer.status, "body": answer.response})
    body = answer.response if isinstance(answer.response, dict) else {}
    sora.check("API-GETSESSION-REPLACES", body.get("session_id") == client.session_id,
               "GetSession answered for another session", client.session_id, body.get("session_id"))


@pytest.mark.clause("API-LISTSESSIONS-REPLACES")
def test_list_sessions_lists_the_live_session(sora):
    channel = sora.new_channel()
    client = sora.connect(channel)
    answer = sora.call("Sora_20231220.ListSessions", {})
    sora.check("API-LISTSESSIONS-REPLACES", answer.ok, "ListSessions was refused", "2xx",
               {"status": answer.status, "body": answer.response})
    listed = [s.get("session_id") for s in answer.response if isinstance(s, dict)] \
        if isinstance(answer.response, list) else []
    sora.check("API-LISTSESSIONS-REPLACES", client.session_id in listed, "ListSessions does not list the session",
               client.session_id, listed)
