"""deploy/Dockerfile and .dockerignore, read as text (no Docker engine runs here): a builder
stage and a final stage with a non-root USER, a HEALTHCHECK on /healthz that needs no curl
(and works: it is run here against a small server), no compiler, and the contract's layout."""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.deploy.tools import DEPLOY, REPO

DOCKERFILE = DEPLOY / "Dockerfile"
COMPILERS = re.compile(
    r"\b(gcc|g\+\+|cc|clang|make|build-essential|python3?-dev|libpq-dev|rustc|cargo)\b"
)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"the final stage has no {keyword}"
        return found[-1]


def logical_lines(text: str) -> Iterator[str]:
    """Instructions with their continuation lines joined and comment lines dropped."""
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""
    if pending:
        yield pending


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical_lines(text):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif not stages:
            if keyword == "ARG" and "=" in rest:
                key, _, value = rest.partition("=")
                args[key] = value
        else:
            stages[-1].instructions.append((keyword, rest))
    return args, stages


@pytest.fixture(scope="module")
def dockerfile() -> tuple[dict[str, str], list[Stage]]:
    return parse(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final(dockerfile: tuple[dict[str, str], list[Stage]]) -> Stage:
    return dockerfile[1][-1]


def expand(value: str, stage: Stage, global_args: dict[str, str]) -> str:
    known = dict(global_args)
    for arg in stage.all("ARG"):
        key, _, default = arg.partition("=")
        known[key] = default
    return re.sub(r"\$\{?(\w+)\}?", lambda m: known.get(m.group(1), m.group(0)), value)


def test_multi_stage_on_a_slim_python_base(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    global_args, stages = dockerfile
    assert len(stages) >= 2
    for stage in stages:
        base = expand(stage.base, stage, global_args)
        assert re.fullmatch(r"python:3\.(1[1-9])-slim(-\w+)?", base), base
    builder = stages[0]
    assert builder.name
    assert any("wheel" in run for run in builder.all("RUN")), "the builder builds wheels"
    installs = " ".join(stages[-1].all("RUN") + stages[-1].all("COPY"))
    assert f"from={builder.name}" in installs or f"--from={builder.name}" in installs


def test_final_stage_installs_only_wheels_and_no_compiler(final: Stage) -> None:
    assert not final.all("COPY") or all("--from=" in c for c in final.all("COPY"))
    assert not final.all("ADD")
    for run in final.all("RUN"):
        assert not COMPILERS.search(run), run
        if "pip install" in run:
            assert "--no-index" in run, "the final stage installs from the built wheels only"


def test_final_stage_runs_as_a_fixed_non_root_user(
    dockerfile: tuple[dict[str, str], list[Stage]], final: Stage
) -> None:
    user = expand(final.last("USER"), final, dockerfile[0])
    uid = user.split(":")[0]
    assert uid.isdigit(), "a numeric uid lets Kubernetes check runAsNonRoot"
    assert int(uid) >= 1000


def test_final_stage_layout(final: Stage) -> None:
    env = " ".join(final.all("ENV"))
    assert "DATABASE_URL=sqlite:////data/is-claude-down.db" in env
    assert final.last("VOLUME") in ("/data", '["/data"]')
    assert final.last("WORKDIR") == "/data"
    assert final.last("EXPOSE") == "3000"
    assert final.last("STOPSIGNAL") == "SIGTERM"
    assert json.loads(final.last("ENTRYPOINT")) == ["is-claude-down"]
    assert json.loads(final.last("CMD")) == ["serve"]


def healthcheck_command(final: Stage) -> list[str]:
    check = final.last("HEALTHCHECK")
    options, _, command = check.partition("CMD ")
    assert "--interval=" in options
    assert "--timeout=" in options
    argv: list[str] = json.loads(command)  # exec form: no shell needed
    return argv


def test_healthcheck_calls_healthz_with_python_not_curl(final: Stage) -> None:
    argv = healthcheck_command(final)
    assert argv[:2] == ["python", "-c"]
    assert "/healthz" in argv[2]
    assert not re.search(r"\b(curl|wget)\b", " ".join(argv))


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_healthcheck_command_really_checks(final: Stage, status: int, healthy: bool) -> None:
    handler = type("Handler", (_Health,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        argv = healthcheck_command(final)
        env = {**os.environ, "PORT": str(server.server_address[1])}
        done = subprocess.run(
            [sys.executable, *argv[1:]], env=env, capture_output=True, timeout=30, check=False
        )
    finally:
        server.shutdown()
        server.server_close()
    assert (done.returncode == 0) is healthy, done.stderr


# --- .dockerignore ------------------------------------------------------------------------


def ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(negated, pattern) in order, as Docker reads them: the last rule that matches wins."""
    rules = []
    for raw in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/|\*\*|\*|\?)", pattern):
            regex += {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(
                part, re.escape(part)
            )
        rules.append((negated, re.compile(regex)))
    return rules


def ignored(path: str) -> bool:
    """Whether ``path`` (relative to the context) is left out; a rule on a folder covers all
    that is in it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for negated, regex in ignore_rules():
        if any(regex.fullmatch(p) for p in prefixes):
            result = not negated
    return result


def test_dockerignore_keeps_secrets_and_state_out_of_the_context() -> None:
    for path in (
        ".env",
        "deploy/.env",
        ".git/config",
        ".venv/bin/python",
        "is-claude-down.db",
        "bot/__pycache__/app.cpython-312.pyc",
        "tests/conftest.py",
    ):
        assert ignored(path), path


def test_dockerignore_lets_in_what_the_dockerfile_copies(
    dockerfile: tuple[dict[str, str], list[Stage]],
) -> None:
    for stage in dockerfile[1]:
        for copy in stage.all("COPY"):
            if "--from=" in copy:
                continue
            sources = [w for w in copy.split() if not w.startswith("--")][:-1]
            for source in sources:
                assert (REPO / source).exists(), source
                assert not ignored(source), f"{source} is copied but .dockerignore drops it"
    for path in ("bot/app.py", "bot/store/migrations/versions/0001_initial.py", "bot/py.typed"):
        assert not ignored(path), path
