"""bot.notify.samples: the ``test`` word's sample alert, composed as a test the first time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.notify import samples
from bot.notify.compose import incident_root
from bot.notify.notices import Action, NoticeKind, Severity
from bot.notify.samples import RESOLUTION, RESOLVE_AFTER
from bot.statuspage import recording

NOW = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


def test_the_sample_is_posted_then_resolved_in_its_thread_and_closed() -> None:
    sample = recording.sample_incident()
    (post, posted_at), (reply, replied_at), (edit, edited_at) = samples.test_alert(
        sample, "run1", NOW
    )
    later = NOW + RESOLVE_AFTER
    assert (post.action, reply.action, edit.action) == (Action.POST, Action.BROADCAST, Action.EDIT)
    assert (posted_at, replied_at, edited_at) == (NOW, later, later)
    root = post.notice
    assert root.kind is NoticeKind.INCIDENT_STARTED
    assert (root.title, root.url) == (sample.name, sample.shortlink)
    assert root.at == root.started_at == NOW
    assert reply.notice.kind is NoticeKind.INCIDENT_RESOLVED
    assert reply.notice.severity is Severity.RESOLVED
    assert (reply.notice.text, reply.notice.at, reply.notice.ended_at) == (RESOLUTION, later, later)
    assert edit.notice == root.closed(later, "resolved")


def test_every_sample_notice_is_marked_a_test_and_has_its_own_thread() -> None:
    sample = recording.sample_incident()
    first = samples.test_alert(sample, "run1", NOW)
    second = samples.test_alert(sample, "run2", NOW)
    assert all(p.notice.is_test for p, _ in first + second)
    keys = {p.notice.thread_key for p, _ in first}
    assert len(keys) == 1
    assert keys.isdisjoint({p.notice.thread_key for p, _ in second})
    real_thread = incident_root(sample, sample.latest_update).thread_key
    assert real_thread not in keys  # the sample never lands in a real incident's thread
