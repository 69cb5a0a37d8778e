"""The emulator's ICE candidate: the address it listens on, or aioice's choice when it listens everywhere."""
import asyncio

import pytest

from sora_emulator.signaling import candidates


def gathered(host, use_ipv4=True, use_ipv6=True):
    async def in_a_task():
        if host is not None:
            candidates.offer_on(host)
        return candidates._host_addresses(use_ipv4, use_ipv6)

    return asyncio.run(in_a_task())


@pytest.mark.parametrize("host, expected", [("127.0.0.1", ["127.0.0.1"]), ("::1", ["::1"]),
                                            ("10.1.2.3", ["10.1.2.3"])])
def test_a_listening_address_is_the_only_candidate(host, expected):
    assert gathered(host) == expected


def test_the_address_family_switches_still_apply():
    assert gathered("127.0.0.1", use_ipv4=False) == [] and gathered("::1", use_ipv6=False) == []


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "localhost", None])
def test_every_interface_or_a_name_keeps_aioices_gathering(monkeypatch, host):
    monkeypatch.setattr(candidates, "_every_interface", lambda v4, v6: ["192.0.2.7"])
    assert gathered(host) == ["192.0.2.7"]
