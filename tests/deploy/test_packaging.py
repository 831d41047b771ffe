"""The wheel, as users get it: built from a copy of the tree, installed into a fresh virtual
environment, and run from there. Catches package data that ``pip install -e`` hides (the
Alembic migrations, ``py.typed``, the recorded incident), and entry points that do not load.

To stay fast and need no network besides the build backend, the fresh environment borrows the
dependencies of the test environment through a ``.pth`` line (a plain path, so the editable
install's own hook is not run there) and gets only the wheel installed; every import of the
project is checked to come from that wheel. Undeclared third-party imports are caught
separately, against the wheel's metadata.
"""

from __future__ import annotations

import ast
import email.parser
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import __version__
from tests.deploy.tools import REPO

PACKAGES = ("bot", "adapters")
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*_cache",
    ".hypothesis", "*.db", "*.db-*", ".env", "tests", "bench", "deploy", "docs",
)  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packaging")
    source = root / "src"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    dist = root / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = dist.glob("is_claude_down-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def metadata(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (path,) = (n for n in archive.namelist() if n.endswith(f".dist-info/{name}"))
        return archive.read(path).decode("utf-8")


def source_files() -> Iterator[str]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*")):
            relative = path.relative_to(REPO)
            if path.is_file() and "__pycache__" not in relative.parts and path.suffix != ".md":
                yield relative.as_posix()  # a README beside the data is for developers


def test_wheel_ships_every_file_of_the_packages(names: set[str]) -> None:
    """Migrations, templates, py.typed, recordings: whatever is in bot/ and adapters/ (but
    Markdown notes for developers)."""
    assert set(source_files()) - names == set()


def test_wheel_ships_the_migrations_and_py_typed(names: set[str]) -> None:
    migrations = {n for n in names if re.fullmatch(r"bot/store/migrations/versions/\w+\.py", n)}
    assert migrations, "no Alembic revision in the wheel"
    assert {
        "bot/py.typed",
        "bot/store/migrations/env.py",
        "bot/store/migrations/script.py.mako",
    } <= names


def test_wheel_declares_the_console_script_and_the_adapters(wheel: Path) -> None:
    entry_points = metadata(wheel, "entry_points.txt")
    assert re.search(r"^is-claude-down = bot\.cli\.main:main$", entry_points, re.MULTILINE)
    for adapter in ("console", "slack", "discord"):
        assert re.search(rf"^{adapter} = adapters\.{adapter}:build$", entry_points, re.M)
    meta = email.parser.Parser().parsestr(metadata(wheel, "METADATA"))
    assert meta["Version"] == __version__
    assert meta["Requires-Python"] == ">=3.11"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {normalise(re.split(r"[\s;<>=!~\[(]", r, maxsplit=1)[0]) for r in requirements}


def test_every_third_party_import_is_a_declared_dependency(wheel: Path) -> None:
    """An import that only the test environment satisfies would crash after ``pip install``.

    Importing a dependency of a declared dependency is accepted here (it is installed with
    it), though declaring it is better.
    """
    declared = requirement_names(
        email.parser.Parser().parsestr(metadata(wheel, "METADATA")).get_all("Requires-Dist", [])
    )
    installed_with = set(declared)
    pending = list(declared)
    while pending:  # everything the declared requirements pull in, as installed here
        try:
            requires = importlib.metadata.requires(pending.pop()) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for name in requirement_names([r for r in requires if "extra ==" not in r]):
            if name not in installed_with:
                installed_with.add(name)
                pending.append(name)
    owners = importlib.metadata.packages_distributions()
    undeclared: dict[str, str] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top in PACKAGES:
                        continue
                    dists = {normalise(d) for d in owners.get(top, [top])}
                    if not dists & installed_with:
                        undeclared[top] = str(path.relative_to(REPO))
    assert undeclared == {}


CHECK_INSTALLED = textwrap.dedent(
    """
    import asyncio, importlib.metadata, pathlib, sys
    venv = pathlib.Path(sys.prefix)
    import bot, adapters
    for module in (bot, adapters):
        assert pathlib.Path(module.__file__).is_relative_to(venv), module.__file__
    found = {e.name: e for e in importlib.metadata.entry_points(group="is_claude_down.adapters")}
    assert {"console", "slack", "discord"} <= set(found), found
    for entry in found.values():
        module = entry.load().__module__
        assert pathlib.Path(sys.modules[module].__file__).is_relative_to(venv), module
    from bot.store import Store
    async def migrate():
        store = Store.open("sqlite+aiosqlite:///" + sys.argv[1])
        try:
            await store.migrate()
        finally:
            await store.close()
    asyncio.run(migrate())
    print("ok")
    """
)


def test_installed_wheel_runs_from_a_fresh_virtual_environment(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=120,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The test environment's dependencies, after the wheel's own files on sys.path.
    borrowed = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site, "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"

    def run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in argv],
            cwd=tmp_path,  # not the repository: its bot/ must not be importable
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    script = python.parent / "is-claude-down"
    version = run(script, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"is-claude-down {__version__}"
    assert run(python, "-m", "bot", "--version").stdout.strip() == version.stdout.strip()
    config = run(script, "config")
    assert config.returncode == 0, config.stderr
    checked = run(python, "-c", CHECK_INSTALLED, tmp_path / "migrated.db")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().endswith("ok")
