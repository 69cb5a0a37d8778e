"""Replaying generated webhooks to a user's receiver: posting and judging (receiver), the property-based
search (hunt), and what is printed and written (report)."""
