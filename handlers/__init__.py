"""Slack listeners, one module per Slack surface; each exposes ``register(app)``."""
