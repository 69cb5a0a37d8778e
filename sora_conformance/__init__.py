"""sora-recording-conformance: contract, harness and reports for Sora session-based recording."""

__version__ = "0.1.0"
