"""Benchmarks of is-claude-down on loopback: ``python -m bench`` (see docs/benchmarks.md)."""
