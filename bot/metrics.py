"""Prometheus metrics, on a registry of our own so tests can start several apps."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.detect.events import WarningCleared, WarningConfirmed, WarningRaised

INDICATOR_LEVELS = {"none": 0, "minor": 1, "major": 2, "critical": 3, "maintenance": 4}
COMPONENT_LEVELS = {
    "operational": 0,
    "degraded_performance": 1,
    "partial_outage": 2,
    "major_outage": 3,
    "under_maintenance": 4,
}


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter(
            "icd_polls", "Polls of the status feed, by result", ["result"], registry=r
        )
        self.poll_seconds = Histogram("icd_poll_duration_seconds", "Time one poll took", registry=r)
        self.feed_errors = Counter(
            "icd_feed_errors", "Failed reads of the feed, by kind", ["kind"], registry=r
        )
        self.not_modified = Counter(
            "icd_feed_not_modified", "Summary reads answered 304", registry=r
        )
        self.feed_bytes = Counter("icd_feed_bytes", "Bytes of feed bodies read", registry=r)
        self.events = Counter("icd_events", "Domain events detected, by kind", ["kind"], registry=r)
        self.deliveries = Counter(
            "icd_deliveries",
            "Outbox deliveries, by platform and outcome",
            ["platform", "outcome"],
            registry=r,
        )
        self.answers = Counter(
            "icd_command_answers", "Chat command answers, by platform", ["platform"], registry=r
        )
        self.answer_seconds = Histogram(
            "icd_command_answer_seconds",
            "Time to build a command answer",
            ["platform"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=r,
        )
        self.indicator = Gauge(
            "icd_status_indicator",
            "Page indicator: 0 none, 1 minor, 2 major, 3 critical, 4 maintenance, -1 unknown",
            registry=r,
        )
        self.component_status = Gauge(
            "icd_component_status",
            "Component status: 0 operational, 1 degraded, 2 partial outage, 3 major outage, "
            "4 maintenance, -1 unknown",
            ["component"],
            registry=r,
        )
        self.feed_readable = Gauge("icd_feed_readable", "1 while the feed is readable", registry=r)
        self.open_incidents = Gauge("icd_open_incidents", "Open incidents on the page", registry=r)
        self.warnings = Counter(
            "icd_early_warnings", "Early warnings, by outcome", ["outcome"], registry=r
        )
        self.warning_lead_minutes = Histogram(
            "icd_early_warning_lead_minutes",
            "Minutes between an early warning and the incident that confirmed it",
            buckets=(1, 2, 5, 10, 15, 20, 30, 45, 60, 120),
            registry=r,
        )

        self.client_reports_received = Counter(
            "icd_client_reports_received",
            "POST /api/reports requests (Claude Code's hook, `report`)",
            registry=r,
        )
        self.client_reports_counted = Counter(
            "icd_client_reports_counted",
            "Client reports counted (a reporter counts once per 10 minutes)",
            registry=r,
        )
        self.client_reports_refused = Counter(
            "icd_client_reports_refused",
            "Client reports refused, by reason: disabled, unauthorized, too_large, malformed",
            ["reason"],
            registry=r,
        )
        self.community_reads = Counter(
            "icd_community_reads",
            "Reads of a community source, by source and outcome",
            ["source", "outcome"],
            registry=r,
        )
        self.community_posts = Counter(
            "icd_community_posts",
            "Posts about errors counted, by community source",
            ["source"],
            registry=r,
        )
        self.community_elevated = Gauge(
            "icd_community_elevated",
            "1 while a community source shows more posts about errors than usual",
            ["source"],
            registry=r,
        )

    def count_warning(self, event: object) -> None:
        if isinstance(event, WarningRaised):
            self.warnings.labels("raised").inc()
        elif isinstance(event, WarningCleared):
            self.warnings.labels("cleared").inc()
        elif isinstance(event, WarningConfirmed):
            self.warnings.labels("confirmed").inc()
            if event.warning.lead_minutes is not None:
                self.warning_lead_minutes.observe(event.warning.lead_minutes)

    def render(self) -> bytes:
        return generate_latest(self.registry)
