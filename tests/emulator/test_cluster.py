"""--cluster-nodes N: one shared state, an API and a signaling port per node, node_name per node."""
import uuid

import pytest
import requests

from sora_emulator.cli import build_parser, config_from
from sora_emulator.config import ConfigError

TIMEOUT = 10


def call(url, target, body):
    return requests.post(url, headers={"x-sora-target": target}, json=body, timeout=5)


def test_nodes_share_one_state_and_name_themselves_in_webhooks(make_emulator, receiver, pool):
    cluster = make_emulator(cluster_nodes=3)
    assert len(set(cluster.api_urls)) == len(set(cluster.signaling_urls)) == 3
    ch = f"cluster-{uuid.uuid4().hex[:8]}"
    client = pool.connect([cluster.signaling_urls[0]], ch, "sendonly")
    created = receiver.wait_for("connection.created", ch, clause="CLUSTER", timeout=TIMEOUT)
    assert created.payload["node_name"] == "emulator1@127.0.0.1"
    listed = call(cluster.api_urls[2], "Sora_20231220.ListSessions", {}).json()
    assert client.session_id in [s["session_id"] for s in listed]
    assert call(cluster.api_urls[2], "Sora_20231220.StartRecording", {"channel_id": ch}).status_code == 200
    started = receiver.wait_for("recording.started", ch, clause="CLUSTER", timeout=TIMEOUT)
    assert started.payload["node_name"] == "emulator3@127.0.0.1"
    assert call(cluster.api_urls[1], "Sora_20231220.StopRecording", {"channel_id": ch}).status_code == 200
    receiver.wait_for("recording.report", ch, clause="CLUSTER", timeout=TIMEOUT)
    client.disconnect()


def test_the_local_only_fault_refuses_other_nodes_sessions(make_emulator, pool):
    cluster = make_emulator(cluster_nodes=2, faults=frozenset({"cluster-api-local-only"}))
    ch = f"cluster-{uuid.uuid4().hex[:8]}"
    client = pool.connect([cluster.signaling_urls[0]], ch, "sendonly")
    assert call(cluster.api_urls[1], "Sora_20231220.StartRecording", {"channel_id": ch}).status_code == 400
    client.disconnect()


def test_cluster_nodes_out_of_range_is_a_usage_error():
    with pytest.raises(ConfigError, match="cluster-nodes"):
        config_from(build_parser().parse_args(["--cluster-nodes", "0"]))
