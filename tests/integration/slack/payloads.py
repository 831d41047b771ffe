"""Kept for imports that predate ``tests.fakes.slack_api.texts``, which is where it lives now."""

from tests.fakes.slack_api import texts

__all__ = ["texts"]
