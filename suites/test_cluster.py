"""Clusters: the recording API of any node acts on a session whose clients are on another node.

Needs at least two API URLs of one cluster (TEST_API_URL comma-separated), given with the signaling URLs in
the same node order; the embedded run starts a 3-node emulator cluster for it.
"""
import pytest


@pytest.mark.clause("CLUSTER-ANY-NODE")
def test_clients_on_one_node_are_recorded_through_another_nodes_api(sora):
    channel = sora.new_channel()
    client = sora.connect(channel, node=0)
    recording_node, stopping_node = sora.nodes - 1, min(1, sora.nodes - 1)
    sora.start_recording(channel, node=recording_node)
    started = sora.wait("recording.started", channel, endpoint="session")
    sora.check(started.data().get("session_id") == client.session_id,
               "the recording started through another node is not the clients' session", client.session_id,
               started.data().get("session_id"))
    recording_id = started.data().get("recording_id")
    mine = lambda r: r.data().get("connection_id") == client.connection_id  # noqa: E731
    sora.wait("archive.started", channel, match=mine)
    sora.stop_recording(channel, node=stopping_node)
    report = sora.wait("recording.report", channel, endpoint="session",
                       match=lambda r: r.data().get("recording_id") == recording_id)
    listed = [a.get("connection_id") for a in report.data().get("archives", []) if isinstance(a, dict)]
    sora.check(client.connection_id in listed, "the report does not list the client on the other node",
               client.connection_id, listed)
