"""Sora's HTTP API: POST / with x-sora-target."""
