"""Report-writing pytest plugin (placeholder until the writers land)."""
