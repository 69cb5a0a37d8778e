"""`sora-conformance load`: recording judged under load, on Locust (README "Recording under load")."""
