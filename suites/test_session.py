"""Sessions: ids issued by Sora, a new one after each destruction."""
import re

import pytest

BASE32_26 = re.compile(r"^[0-9A-Z]{26}$")


@pytest.mark.clause("SESSION-NEW-ID")
def test_next_session_of_a_channel_has_a_new_session_id(sora):
    channel = sora.new_channel()
    first = sora.connect(channel)
    sora.leave(first)
    sora.wait_session_destroyed(channel, first.session_id)
    second = sora.connect(channel)
    sora.check(second.session_id != first.session_id, "the channel's next session reused the id", "a new session_id",
               second.session_id)


@pytest.mark.clause("SESSION-ID-FORMAT")
def test_session_id_is_26_characters_of_base32(sora):
    channel, client = sora.live_channel()
    created = sora.wait("session.created", channel, endpoint="session")
    for where, value in (("offer", client.session_id), ("session.created", created.data().get("session_id"))):
        sora.check(isinstance(value, str) and bool(BASE32_26.match(value)),
                   f"session_id in the {where} is not 26 characters of Base32", "26 of [0-9A-Z]", value)
