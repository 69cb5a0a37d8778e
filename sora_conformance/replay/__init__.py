"""Replaying webhooks to a user's receiver, the examples or generated ones through one pipeline: one POST that
always ends (post), the receiver's URL, headers and the judging of its answers (receiver), the payloads
(sources: examples and negatives; hunt: generated and shrunk), what both report (outcome, report, junit,
allure)."""
