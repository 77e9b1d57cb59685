"""Two servers, one ingest: a document ingested into a Chroma server is answered by every
``baocao serve`` process pointed at that server, without a restart.

    python -m eval.bench_scale --serve-check

One ``chroma run`` server; one article ingested into it (so the serving processes start over a
non-empty index); two ``baocao serve --chroma-url`` processes; then one ``baocao ingest`` of a new
report, written here, that states a figure no article states. Both serving processes are asked
(``POST /api/ask``) the question only the new report answers, polled for up to ``wait_s``; the
check passes when both answer its figure with a citation of the new report.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NEW_REPORT", "QUESTION", "ServeCheck", "run_serve_check"]

NEW_REPORT = """# Báo cáo kết quả cấp giấy chứng nhận năm 2026 của tỉnh Lạc Sơn

## Kết quả thực hiện

Trong năm 2026, Sở Nông nghiệp và Môi trường tỉnh Lạc Sơn đã cấp 4.321 giấy chứng nhận quyền sử dụng đất cho các hộ nuôi chim yến.

Các hồ sơ còn lại sẽ được giải quyết trong quý I năm 2027.
"""
QUESTION = "Năm 2026 tỉnh Lạc Sơn cấp bao nhiêu giấy chứng nhận quyền sử dụng đất cho hộ nuôi chim yến?"
_ANSWER = "4.321"
_FILENAME = "lac-son-2026.md"


@dataclass
class ServeCheck:
    """What the check saw: each serving process's answer before and after the ingest, how long
    each took to answer from the new report (``None``: not within the wait), and whether a new
    ``baocao ask`` process answers from it (the control: the question is answerable)."""

    passed: bool
    before: list[str | None] = field(default_factory=list)
    after: list[str | None] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    seconds_to_answer: list[float | None] = field(default_factory=list)
    ingest_s: float = 0.0
    fresh_process: bool = False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s")


def _ask(base: str, question: str) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        f"{base}/api/ask",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _from_new_report(answer: dict) -> bool:  # type: ignore[type-arg]
    cited = [c.get("filename", "") for c in answer.get("citations", [])[:1]]
    return _ANSWER in (answer.get("answer") or "") and cited == [_FILENAME]


def run_serve_check(
    start_server: Callable[[Path, int], subprocess.Popen[bytes]],
    base_article: Path,
    *,
    root: Path,
    env: dict[str, str],
    wait_s: float = 30.0,
) -> ServeCheck:
    """Run the check (see the module's docstring) in a temporary folder.

    Args:
        start_server: starts ``chroma run`` on a path and port and returns once it listens.
        base_article: the document ingested before the serving processes start.
        root: the repository (the processes' working directory).
        env: their environment.
        wait_s: how long each serving process is polled for the new document's answer.
    """
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="baocao-serve-check-") as tmp:
        work = Path(tmp)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        chroma = start_server(work / "server", port)
        serving: list[subprocess.Popen[bytes]] = []
        try:
            base = ["--chroma-url", url, "--no-progress"]

            def ingest(path: Path) -> None:
                command = [python, "-m", "baocao.cli", "ingest", str(path), *base, "--data-dir", str(work / "ingest")]
                subprocess.run(command, check=True, cwd=root, env=env, capture_output=True)

            ingest(base_article)
            addresses = []
            for name in ("a", "b"):
                http_port = _free_port()
                serving.append(
                    subprocess.Popen(
                        [
                            python,
                            "-m",
                            "baocao.cli",
                            "serve",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            str(http_port),
                            *base,
                            "--data-dir",
                            str(work / f"serve-{name}"),
                        ],
                        cwd=root,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
                addresses.append(f"http://127.0.0.1:{http_port}")
            for address in addresses:
                _wait_http(f"{address}/health", timeout_s=180)
            check = ServeCheck(passed=False)
            check.before = [_ask(a, QUESTION).get("answer") for a in addresses]
            report = work / _FILENAME
            report.write_text(NEW_REPORT, encoding="utf-8")
            started = time.monotonic()
            ingest(report)
            check.ingest_s = time.monotonic() - started
            for address in addresses:
                asked = time.monotonic()
                answer = _ask(address, QUESTION)
                while not _from_new_report(answer) and time.monotonic() - asked < wait_s:
                    time.sleep(1.0)
                    answer = _ask(address, QUESTION)
                found = _from_new_report(answer)
                check.after.append(answer.get("answer"))
                check.cited.append(next((c.get("filename", "") for c in answer.get("citations", [])), ""))
                check.seconds_to_answer.append(round(time.monotonic() - asked, 1) if found else None)
            fresh = subprocess.run(
                [
                    python,
                    "-m",
                    "baocao.cli",
                    "ask",
                    QUESTION,
                    "--json",
                    *base,
                    "--data-dir",
                    str(work / "fresh"),
                ],
                check=True,
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
            )
            check.fresh_process = _from_new_report(json.loads(fresh.stdout))
            check.passed = all(s is not None for s in check.seconds_to_answer)
            return check
        finally:
            for proc in serving:
                proc.terminate()
            for proc in serving:
                proc.wait()
            chroma.terminate()
            chroma.wait()
