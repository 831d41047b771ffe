"""Claude Code's hook, ``report`` and ``statusline`` against a real ``serve``: subprocesses all,
with real-shaped hook JSON; ``POST /api/reports`` refusing what it must, counting each reporter
once, keeping the count across a restart, and three developers' failures raising one early
warning with nothing on the status page."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from fakes.statuspage import FakeStatuspage
from tests.e2e.process import BotProcess, bot_env, run
from tests.e2e.test_claude_code_client import client_env, hook_input
from tests.e2e.test_serve import serve

TOKEN = "team-report-token-5678"
SENTENCE = "3 people's Claude Code hit 529 in the last 10 minutes."


def developer(tmp_path: Path, base: str, name: str, **env: str) -> dict[str, str]:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    return client_env(
        home, IS_CLAUDE_DOWN_URL=base, REPORT_TOKEN=TOKEN, REPORTER=f"dev-{name}", **env
    )


def ready(bot: BotProcess, base: str) -> None:
    bot.wait_for(lambda: httpx.get(base + "/readyz").status_code == 200, what="ready")


def refused(metrics: str) -> dict[str, float]:
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    return {
        s.labels["reason"]: s.value
        for s in families["icd_client_reports_refused"].samples
        if s.name.endswith("_total")
    }


def counter(metrics: str, name: str) -> float:
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    return next(s.value for s in families[name].samples if s.name.endswith("_total"))


def test_the_route_refuses_what_it_must_and_counts_a_reporter_once(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    bot, base = serve(statuspage, tmp_path, REPORT_TOKEN=TOKEN)
    url = base + "/api/reports"
    good = {"reporter": "dev-alice", "code": "529", "source": "claude-code"}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        ready(bot, base)
        answers = [
            httpx.post(url, json=good),
            httpx.post(url, json=good, headers={"Authorization": "Bearer wrong-token"}),
            httpx.post(url, json=good, headers={"Authorization": TOKEN}),
            httpx.post(url, content=b"{not json", headers=auth),
            httpx.post(url, json=["dev-alice", "529"], headers=auth),
            httpx.post(url, json=good | {"code": "429"}, headers=auth),
            httpx.post(url, json=good | {"reporter": ""}, headers=auth),
            httpx.post(url, json=good | {"pad": "x" * 5000}, headers=auth),
            httpx.post(url, content=iter([b'{"pad": "', b"x" * 5000, b'"}']), headers=auth),
        ]
        after_refusals = httpx.get(base + "/api/status").json()["reports"]
        first = httpx.post(url, json=good, headers=auth)
        flood = [httpx.post(url, json=good, headers=auth) for _ in range(20)]
        other = httpx.post(url, json=good | {"reporter": "dev-bob", "code": None}, headers=auth)
        pieces = [b'{"reporter": "dev-carol", ', b'"code": "529", ', b'"source": "cli"}']
        chunked = httpx.post(url, content=iter(pieces), headers=auth)  # no Content-Length
        status = httpx.get(base + "/api/status").json()
        metrics = httpx.get(base + "/metrics").text
    finally:
        bot.close()
    assert [a.status_code for a in answers] == [401, 401, 401, 400, 400, 400, 400, 413, 413]
    assert after_refusals["last_10_minutes"] == 0
    assert first.json() == {"counted": True, "reports_10m": 1, "verdict": "operational"}
    assert {(a.status_code, a.json()["counted"]) for a in flood} == {(200, False)}
    assert other.json()["reports_10m"] == 2
    assert chunked.json() == {"counted": True, "reports_10m": 3, "verdict": "operational"}
    assert status["reports"] == {
        "last_10_minutes": 3,
        "from": ["claude-code", "cli"],
        "codes": ["529"],
    }
    assert refused(metrics) == {"unauthorized": 3, "malformed": 4, "too_large": 2}
    assert counter(metrics, "icd_client_reports_received") == 32
    assert counter(metrics, "icd_client_reports_counted") == 3
    assert TOKEN not in "\n".join(bot.stderr + bot.stdout)


def test_without_a_token_on_the_bot_there_is_no_route(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    bot, base = serve(statuspage, tmp_path)
    try:
        answer = httpx.post(
            base + "/api/reports",
            json={"reporter": "dev-alice", "code": "529"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        status = httpx.get(base + "/api/status").json()
        report = run(["report", "529"], developer(tmp_path, base, "alice"), tmp_path)
    finally:
        bot.close()
    assert answer.status_code == 404
    assert "reports" not in status  # a bot without the feature omits the key
    assert report.returncode == 78
    assert "does not take reports" in report.stderr


def test_three_developers_hooks_raise_one_early_warning_and_every_answer_says_so(
    statuspage: FakeStatuspage, tmp_path: Path
) -> None:
    bot, base = serve(
        statuspage, tmp_path, REPORT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}"
    )
    hooks = []
    try:
        ready(bot, base)
        for name in ("alice", "bob", "carol"):
            env = developer(tmp_path, base, name)
            for fixture in ("server-error-529", "rate-limit", "server-error-529"):
                hooks.append(run(["hook"], env, tmp_path, stdin=hook_input(fixture)))
        bot.wait_for(
            lambda: any("EARLY WARNING" in line for line in bot.stdout), what="the early warning"
        )
        again = run(
            ["hook"],
            developer(tmp_path, base, "alice"),
            tmp_path,
            stdin=hook_input("server-error-529"),
        )
        status = httpx.get(base + "/api/status", params={"code": "529", "since": "15"}).json()
        line = run(["statusline"], developer(tmp_path, base, "dave"), tmp_path)
        report = run(["report", "503"], developer(tmp_path, base, "erin"), tmp_path)
        repeat = run(["report"], developer(tmp_path, base, "erin"), tmp_path)
        assert bot.terminate() == 0
    finally:
        bot.close()
    assert all((h.returncode, h.stdout) == (0, "") for h in [*hooks, again])
    warnings = [line for line in bot.stdout if "EARLY WARNING" in line]
    assert len(warnings) == 1, bot.stdout
    assert any(SENTENCE.rstrip(".") in line for line in bot.stdout)
    assert status["reports"]["last_10_minutes"] == 3
    assert status["advice"]["kind"] == "wait"  # 15 minutes, but others see it too
    assert status["advice"]["summary"].endswith(SENTENCE)
    assert status["verdict"] == "operational"  # reports never change the verdict
    assert line.stdout == "Claude: operational · 3 people hit 529 in 10 min\n"
    assert report.returncode == 0
    assert report.stdout.startswith("Counted. The bot has 4 reports in the last 10 minutes")
    assert repeat.returncode == 0
    assert repeat.stdout.startswith("Already counted from you")

    one_shot = run(
        ["status", "--json", "--code", "529"],
        bot_env(
            STATUS_PAGE_URL=statuspage.url,
            REPORT_TOKEN=TOKEN,
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        ),
        tmp_path,
    )
    assert json.loads(one_shot.stdout)["reports"]["last_10_minutes"] == 4
    assert "4 people hit 529 or 503 in the last 10 minutes" in one_shot.stdout

    restarted, base = serve(
        statuspage, tmp_path, REPORT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}"
    )
    try:
        ready(restarted, base)
        restarted.wait_for(
            lambda: httpx.get(base + "/api/status").json()["reports"]["last_10_minutes"] == 4,
            what="the reports read back after the restart",
        )
    finally:
        restarted.close()
    assert not any("EARLY WARNING" in line for line in restarted.stdout)  # raised once, kept
