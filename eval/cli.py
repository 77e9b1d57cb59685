"""``baocao eval``: the maintainers' commands (filled in by the eval issue)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_commands(parser: argparse.ArgumentParser, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the ``eval`` subcommands on the ``baocao eval`` parser."""
    sub = parser.add_subparsers(dest="eval_command", required=True, metavar="WHAT")
    p = sub.add_parser("bench", help="ingest throughput against the bare embedder")
    p.add_argument("--files", type=int, default=300, help="first N vn-admin articles (default 300)")
    common(p)
    p.set_defaults(run=_bench)


def _bench(args: argparse.Namespace, settings: object) -> int:
    from eval.bench_ingest import main

    main(["--files", str(args.files)])
    return 0
