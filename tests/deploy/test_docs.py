"""docs/metrics.md names every metric of bot/metrics.py, as exposed, with its labels; the
operations docs name the deployment files that exist."""

from __future__ import annotations

import re

from prometheus_client import Counter

from bot.metrics import Metrics
from tests.deploy.tools import REPO

METRICS_DOC = REPO / "docs" / "metrics.md"
# Files the docs tell the user to make.
USERS_OWN = {"deploy/.env", "deploy/secrets.yml"}


def documented_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in METRICS_DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(icd_\w+)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_metric_is_documented_with_its_labels() -> None:
    metrics = Metrics()
    rows = documented_rows()
    exposed = set()
    for value in vars(metrics).values():
        if not hasattr(value, "_labelnames"):
            continue
        name = value._name + ("_total" if isinstance(value, Counter) else "")
        exposed.add(name)
        assert name in rows, f"{name} is not in docs/metrics.md"
        for label in value._labelnames:
            assert f"`{label}`" in rows[name], f"{name}: label {label} is not documented"
    assert exposed, "found no metric on Metrics"
    assert set(rows) - exposed == set(), "docs/metrics.md names metrics that do not exist"


def test_operations_docs_name_files_that_exist() -> None:
    for doc in ("operations.md", "upgrading.md"):
        text = (REPO / "docs" / doc).read_text(encoding="utf-8")
        for path in set(re.findall(r"(deploy/[\w./-]+\w)", text)) - USERS_OWN:
            assert (REPO / path).exists(), f"docs/{doc} names {path}"
