"""``python -m bench [--quick] [--only NAME ...]``: every benchmark, each figure with its target.

Everything runs on loopback against the fakes in ``fakes`` (rate-limited here), with
``serve`` as a real subprocess, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import alerts, command, fanout, rest, statusline
from bench.common import Figure
from bench.config import Config

BENCHMARKS: dict[str, Callable[[Config], Awaitable[list[Figure]]]] = {
    "command": command.run,
    "alerts": alerts.run,
    "fanout": fanout.run,
    "rest": rest.run,
    "scale": fanout.run_scale,
    "statusline": statusline.run,
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def cpu_check() -> float:
    """Milliseconds for a fixed pure-Python loop: how fast this machine is right now (a
    shared VM's speed can change by a third between minutes; compare runs with it)."""
    started = time.process_time()
    total = 0
    for n in range(3_000_000):
        total += n
    return (time.process_time() - started) * 1000


def show(figures: list[Figure]) -> None:
    section = ""
    width = max((len(f.name) for f in figures), default=20)
    for figure in figures:
        if figure.section != section:
            section = figure.section
            print(f"\n{section}")
        verdict = {True: "met", False: "NOT MET", None: ""}[figure.met]
        target = f"target {figure.target}" if figure.target else ""
        note = f"  ({figure.note})" if figure.note else ""
        print(f"  {figure.name:<{width}}  {figure.shown():>12}  {target:<22} {verdict}{note}")


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples, a short run")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run just these")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="the bot's database (postgres: a database of its own at 127.0.0.1:5432)",
    )
    parser.add_argument("--profile", choices=list(BENCHMARKS), help="py-spy this one's serve")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args(argv)
    names = args.only or [n for n in BENCHMARKS if not (args.quick and n == "scale")]
    workdir = Path(tempfile.mkdtemp(prefix="icd-bench-"))
    cfg = Config(workdir, quick=args.quick, database=args.database, profile=args.profile)
    print(f"machine: {machine()}")
    check_before = cpu_check()
    print(f"run: python -m bench {' '.join(argv)}".rstrip() + f"  (database {args.database})")
    figures: list[Figure] = []
    failed = False
    try:
        for name in names:
            started = time.monotonic()
            print(f"running {name} ...", file=sys.stderr, flush=True)
            try:
                got = await BENCHMARKS[name](cfg)
            except Exception as error:
                failed = True
                print(f"  {name} failed: {type(error).__name__}: {error}", file=sys.stderr)
                got = [Figure(name, "failed", None, "", note=f"{type(error).__name__}: {error}")]
            figures += got
            print(f"  {name} took {time.monotonic() - started:.0f}s", file=sys.stderr)
    finally:
        cfg.stop_profile()
        cfg.drop_databases()
        if args.keep or args.profile:
            print(f"scratch files kept in {workdir}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"cpu check (3M-step loop, lower is faster): {check_before:.0f} ms before, "
        f"{cpu_check():.0f} ms after"
    )
    show(figures)
    missed = [f for f in figures if f.met is False]
    print(f"\n{len(figures)} figures, {len(missed)} targets not met" + (", errors" * failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
