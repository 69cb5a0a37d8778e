"""Options and environment: one frozen config, and one clear error line for anything wrong."""
import pytest

from sora_conformance.harness.config import ConfigError, build_config


def test_no_target_means_the_embedded_emulator():
    config = build_config({}, env={})
    assert config.embedded and config.webhook_port == 0 and config.run_prefix.startswith("conformance-")


def test_environment_fallbacks_follow_sora_python_sdk():
    env = {"TEST_API_URL": "http://sora.local:3000/", "TEST_SIGNALING_URLS": "wss://a/signaling, wss://b/signaling",
           "TEST_CHANNEL_ID_PREFIX": "staging", "TEST_SECRET_KEY": "s3cret"}
    config = build_config({}, env=env)
    assert config.api_urls == ("http://sora.local:3000/",) and config.signaling_urls == ("wss://a/signaling",
                                                                                     "wss://b/signaling")
    assert config.channel_prefix == "staging" and config.secret_key == "s3cret"


def test_options_win_over_environment():
    config = build_config({"channel_prefix": "cli"}, env={"TEST_CHANNEL_ID_PREFIX": "env"})
    assert config.channel_prefix == "cli"


@pytest.mark.parametrize("options, message", [
    ({"sora_api_url": "ftp://x"}, "http or https URL"),
    ({"sora_api_url": "http://x:3000/"}, "TEST_SIGNALING_URLS is required"),
    ({"sora_signaling_url": "wss://x/signaling"}, "TEST_API_URL is required"),
    ({"sora_api_url": "http://x/", "sora_signaling_url": "http://x/"}, "ws or wss URL"),
    ({"webhook_listen": "nowhere"}, "HOST:PORT"),
    ({"webhook_listen": "0.0.0.0:99999"}, "HOST:PORT"),
    ({"api_header": ["no colon"]}, "Name: value"),
    ({"timeout_multiplier": -1}, "timeout-multiplier"),
    ({"channel_prefix": "bad prefix!"}, "channel prefix"),
    ({"target_profile": "/no/such/profile.yaml"}, "does not exist"),
    ({"sora_api_url": "http://x/", "sora_signaling_url": "ws://x/signaling", "emulator_fault": ["f"]},
     "embedded emulator only"),
    ({"sora_api_url": "http://x/", "sora_signaling_url": "ws://x/signaling",
      "emulator_session_updated_interval": 1.0}, "embedded emulator only"),
    ({"emulator_session_updated_interval": -1.0}, "from 0"),
])
def test_bad_options_give_one_clear_error(options, message):
    with pytest.raises(ConfigError, match=message):
        build_config(options, env={})


def test_api_headers_are_redacted_in_reports():
    config = build_config({"api_header": ["Authorization: Bearer abc"]}, env={})
    assert config.api_headers == (("Authorization", "Bearer abc"),)
    assert config.redacted_headers() == {"Authorization": "REDACTED"}


def test_several_api_urls_are_the_nodes_of_a_cluster():
    config = build_config({}, {"TEST_API_URL": "http://a:3000/, http://b:3000/",
                               "TEST_SIGNALING_URLS": "ws://a:5000/signaling,ws://b:5000/signaling"})
    assert config.api_urls == ("http://a:3000/", "http://b:3000/")


def test_a_malformed_second_api_url_is_a_usage_error():
    with pytest.raises(ConfigError, match="TEST_API_URL"):
        build_config({}, {"TEST_API_URL": "http://a:3000/,ftp://b", "TEST_SIGNALING_URLS": "ws://a:5000/signaling"})


def test_every_config_field_comes_from_exactly_one_rule():
    import dataclasses

    from sora_conformance.harness.config import RULES, HarnessConfig

    named = [n for names, _ in RULES for n in ((names,) if isinstance(names, str) else names)]
    assert sorted(named) == sorted(f.name for f in dataclasses.fields(HarnessConfig))


def test_a_target_always_has_its_main_api_url():
    from sora_conformance.harness.targets import Target
    from sora_conformance.harness.verdict import HarnessError

    with pytest.raises(HarnessError, match="no API URL"):
        Target("t", [], ["ws://a/signaling"], None, legacy_recording=False)
