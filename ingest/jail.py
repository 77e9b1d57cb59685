"""Parsing untrusted files in a child process with a memory cap and a wall-clock limit.

PDF and Office parsers have had infinite-loop and memory-exhaustion advisories on malformed files.
Each file is parsed by a long-lived worker process (so a batch does not pay a process start per
file) whose address space is capped with ``RLIMIT_AS``; a file that exhausts the cap or the time
limit is rejected by name, the worker is replaced, and the batch goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from baocao.errors import LoadError
from ingest.load import load
from ingest.records import Loaded


def _worker(conn: Connection, memory_bytes: int) -> None:  # pragma: no cover - runs in the child
    """Parse files sent over ``conn`` until it closes; every outcome is sent back, never raised."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            path, max_bytes, ocr_page_timeout_s = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[Any, ...] = (
                "ok",
                load(Path(path), max_bytes=max_bytes, ocr_page_timeout_s=ocr_page_timeout_s),
            )
        except LoadError as exc:
            reply = ("error", exc.reason, exc.fix)
        except MemoryError:
            reply = ("memory",)
        except RecursionError:
            reply = (
                "error",
                "the file is nested too deeply to read",
                "save a simpler copy and ingest it again",
            )
        except Exception as exc:  # any other parser failure is this file's fault, reported by name
            reply = (
                "error",
                f"the file could not be parsed ({type(exc).__name__})",
                "save a new copy and ingest it again",
            )
        conn.send((*reply, _peak_resident_bytes()))


def _peak_resident_bytes() -> int | None:  # pragma: no cover - runs in the child
    """This process's peak resident memory (Linux's VmHWM), or None where /proc does not say.

    Not ``getrusage``: Linux carries ``ru_maxrss`` over an exec, so a spawned worker would report
    the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class ParserJail:
    """A worker process that parses files under a memory cap and a time limit.

    Args:
        memory_mb: the worker's address-space cap (``RLIMIT_AS``), in MB.
        timeout_s: how long one file may take, in seconds.
    """

    def __init__(self, *, memory_mb: float, timeout_s: float, ocr_page_timeout_s: float = 20.0) -> None:
        self.memory_bytes = int(memory_mb * 1024 * 1024)
        self.timeout_s = timeout_s
        self.ocr_page_timeout_s = ocr_page_timeout_s
        self._process: Any = None
        self._conn: Connection | None = None
        self.peak_bytes: int | None = None
        """The worker's peak resident memory after the last file (None: killed, or not known)."""

    def _start(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        context = mp.get_context("spawn")  # no inherited threads, locks or model handles
        parent, child = context.Pipe()
        self._process = context.Process(target=_worker, args=(child, self.memory_bytes), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        return parent

    def parse(self, path: Path, *, max_bytes: int) -> Loaded:
        """Load one file in the worker.

        Raises:
            LoadError: the file is bad, too slow to parse, or needs more memory than the cap.
        """
        self.peak_bytes = None
        try:
            conn = self._start()
            conn.send((str(path), max_bytes, self.ocr_page_timeout_s))
        except OSError:  # the previous worker died after its last answer: start another
            self.close()
            conn = self._start()
            conn.send((str(path), max_bytes, self.ocr_page_timeout_s))
        if not conn.poll(self.timeout_s):
            self.close()
            raise LoadError(
                str(path),
                f"reading it took longer than {self.timeout_s:g} s (a damaged or hostile file?)",
                "open it, save a new copy and ingest that; or raise BAOCAO_PARSE_TIMEOUT_S if it is just very large",
            )
        try:
            *reply, self.peak_bytes = conn.recv()
        except (EOFError, OSError):
            reply = ["memory"]  # the worker died: the cap killed it mid-allocation (or before it could start)
            self.close()
        if reply[0] == "ok":
            loaded: Loaded = reply[1]
            return loaded
        if reply[0] == "memory":
            self.close()
            raise LoadError(
                str(path),
                f"reading it needed more than {self.memory_bytes / 1024 / 1024:g} MB of memory (a damaged or hostile file?)",
                "open it, save a new copy and ingest that; or raise BAOCAO_PARSE_MEMORY_MB",
            )
        raise LoadError(str(path), reply[1], reply[2])

    def close(self) -> None:
        """Stop the worker (a new one starts on the next file)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
            self._process = None
