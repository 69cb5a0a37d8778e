"""The scrubber: every live secret out of text the target sent back, however it was echoed."""
import json
from urllib.parse import quote

import jwt

from sora_conformance.harness.secret import Secret
from sora_conformance.scrub import holds_secret, register, scrub, scrub_text

KEY = 'k3y"with\\quotes-Ü'
HEADER = "Bearer tok-scrub-123"


def test_registered_values_are_hidden_in_every_echoed_form():
    register(Secret(KEY))
    register(HEADER)
    for form in (KEY, json.dumps(KEY), repr(KEY), quote(KEY, safe=""), HEADER):
        text = f"echo: {form} end"
        assert "k3y" not in scrub_text(text) and "tok-scrub" not in scrub_text(text), form
        assert holds_secret(text)
    assert scrub_text("nothing here") == "nothing here" and not holds_secret("nothing here")


def test_jwts_are_hidden_whole_or_cut():
    token = jwt.encode({"channel_id": "c", "exp": 1}, "another-key-long-enough-for-hs256-0123456789", algorithm="HS256")
    assert token not in scrub_text(f"headers {{'access_token': '{token}'}}")
    cut = token[:len(token) - 10]
    assert scrub_text(f"...{cut}") == "...REDACTED"
    assert scrub_text(token.split(".")[0] + ".") == "REDACTED"


def test_structures_are_scrubbed_keys_and_all():
    register(HEADER)
    echoed = {"error": "bad", "echo": [{"Authorization": HEADER}, (HEADER,)], HEADER: 1, "n": 3}
    assert scrub(echoed) == {"error": "bad", "echo": [{"Authorization": "REDACTED"}, ("REDACTED",)], "REDACTED": 1,
                             "n": 3}


def test_credentials_are_hidden_without_their_scheme_too():
    register("Bearer split-cred-77")
    assert scrub_text("'Bearer '\n 'split-cred-77'") == "'Bearer '\n 'REDACTED'"
    register("my pass phrase")  # not a scheme and credentials: only hidden whole
    assert scrub_text("pass the phrase, my pass phrase") == "pass the phrase, REDACTED"
