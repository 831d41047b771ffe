"""Run settings shared by every benchmark: quick or full, which database, where the scratch
files go, and an optional py-spy profile of ``serve`` during one benchmark."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class Config:
    workdir: Path
    quick: bool = False
    database: str = "sqlite"
    """``sqlite`` (a file per run) or ``postgres`` (a database of our own at 127.0.0.1:5432)."""
    profile: str | None = None
    """The benchmark whose ``serve`` py-spy records (``command``, ``fanout``, ...)."""
    _databases: list[str] = field(default_factory=list)
    _profiler: subprocess.Popen[bytes] | None = None

    def scale(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def database_url(self, sqlite_path: Path) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{sqlite_path}"
        import psycopg

        name = f"icd_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self._databases.append(name)
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"

    def drop_databases(self) -> None:
        if not self._databases:
            return
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            for name in self._databases:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._databases.clear()

    def start_profile(self, pid: int, name: str) -> None:
        """py-spy (installed in the venv, not a dependency) samples ``pid`` until stopped."""
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        out = self.workdir / f"profile-{name}.txt"
        self._profiler = subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "100", "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"  (py-spy recording {name} into {out})", file=sys.stderr)

    def stop_profile(self) -> None:
        if self._profiler is not None:
            self._profiler.send_signal(2)  # SIGINT: py-spy writes its file and exits
            self._profiler.wait(30)
            self._profiler = None
