"""The candidate command line: ``python -m truelevel_cli <command>``.

show                      the assessment: title, role, brief, repository, time limit
start                     redeem the candidate key (starts the clock), save the session here
status                    time left and whether the take-home was submitted
log prompt                one AI prompt
log command CMD --exit-code N [--verification | --no-verification]
log edit PATH --kind manual|assisted
log test --passed N --failed M
run -- CMD [ARGS...]      run a command here and log it with its exit code
submit --repo URL | --zip FILE | --dir FOLDER

The candidate key is the credential (``--key`` or ``TRUELEVEL_CANDIDATE_KEY``); the server is
``--url`` or ``TRUELEVEL_URL`` (default http://localhost:3000). ``start`` keeps the session in
``.truelevel-session.json`` in the current folder; the other commands read it from there.

Exit codes: 0 done; 1 the server refused the request or something local is missing; 2 no key or
a key the server refuses (also argparse's code for a wrong command line); 3 the server could
not be reached. ``run`` exits with the command's own exit code once its event is logged.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from truelevel_cli.client import DEFAULT_URL, ApiError, CandidateClient, ServerUnreachable

PROG = "python -m truelevel_cli"
STATE_FILE = ".truelevel-session.json"
KEY_ENV = "TRUELEVEL_CANDIDATE_KEY"
URL_ENV = "TRUELEVEL_URL"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_AUTH = 2
EXIT_UNREACHABLE = 3

# Folders never worth sending: history, dependencies and virtual environments the reviewer's
# engine skips anyway, and which would only make the zip larger.
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})
LATE_MESSAGE = "submitted after the time limit"
_MAX_COMMAND = 500  # the server stores at most 500 characters of a command

# Commands that check the work rather than change it (seed 001's "verify intensity"). Each entry
# is the program name and, when the program is a general tool, the word that makes it a test run.
_TEST_PROGRAMS = frozenset({"pytest", "py.test", "tox", "nox", "jest", "vitest", "mocha", "rspec"})
_TEST_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "npm": frozenset({"test", "t"}),
    "yarn": frozenset({"test"}),
    "pnpm": frozenset({"test"}),
    "bun": frozenset({"test"}),
    "go": frozenset({"test"}),
    "mvn": frozenset({"test", "verify"}),
    "./mvnw": frozenset({"test", "verify"}),
    "gradle": frozenset({"test", "check"}),
    "./gradlew": frozenset({"test", "check"}),
    "cargo": frozenset({"test"}),
    "make": frozenset({"test", "check"}),
    "dotnet": frozenset({"test"}),
}
_PYTHON_TEST_MODULES = frozenset({"pytest", "unittest", "tox", "nox"})


class CliError(Exception):
    """A problem to report in one line, with the exit code it deserves."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


# --------------------------------------------------------------------------------------------
# The session kept in the current folder
# --------------------------------------------------------------------------------------------


@dataclass
class SessionState:
    """What ``start`` remembers between commands (never the key: that stays the candidate's)."""

    session_id: str
    assessment_id: str
    deadline_at: str | None
    started_at: str | None = None
    url: str | None = None
    submission: dict[str, Any] | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            "sessionId": data["session_id"],
            "assessmentId": data["assessment_id"],
            "deadlineAt": data["deadline_at"],
            "startedAt": data["started_at"],
            "url": data["url"],
            "submission": data["submission"],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionState:
        return cls(
            session_id=str(data["sessionId"]),
            assessment_id=str(data["assessmentId"]),
            deadline_at=data.get("deadlineAt"),
            started_at=data.get("startedAt"),
            url=data.get("url"),
            submission=data.get("submission"),
        )


def load_state(folder: Path) -> SessionState | None:
    """The session saved in ``folder``, or None when ``start`` has not run there."""
    path = folder / STATE_FILE
    if not path.exists():
        return None
    try:
        return SessionState.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        problem = f"{path} is not a truelevel session file ({exc}); run start again."
        raise CliError(problem) from None


def save_state(folder: Path, state: SessionState) -> Path:
    """Write the session file atomically, so an interrupted write never leaves half a file."""
    path = folder / STATE_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state.to_json(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def _require_state(folder: Path) -> SessionState:
    state = load_state(folder)
    if state is None:
        raise CliError(f"No session in this folder ({STATE_FILE} is missing): run start first.")
    return state


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def parse_time(value: str | None) -> datetime | None:
    """An API timestamp (ISO 8601, ``Z`` for UTC) as an aware datetime."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_duration(seconds: float) -> str:
    """A countdown a person reads at a glance: ``1 h 05 min``, ``12 min``, ``under a minute``."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def time_left_line(deadline_at: str | None, *, now: datetime | None = None) -> str:
    """``Time left: 1 h 05 min (deadline 2026-04-01 10:30 UTC).``, or that the time is up."""
    deadline = parse_time(deadline_at)
    if deadline is None:
        return "No time limit."
    now = now or datetime.now(UTC)
    shown = deadline.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    remaining = (deadline - now).total_seconds()
    if remaining <= 0:
        return f"Time is up (deadline {shown}); a submission now is marked late."
    return f"Time left: {format_duration(remaining)} (deadline {shown})."


def _print_assessment(assessment: dict[str, Any]) -> None:
    print(f"{assessment.get('title', '')} — {assessment.get('role', '')}")
    if assessment.get("repoUrl"):
        print(f"Repository: {assessment['repoUrl']}")
    issue = assessment.get("issue")
    if isinstance(issue, dict) and issue.get("title"):
        link = issue.get("issueUrl") or issue.get("repoUrl") or ""
        print(f"Issue: {issue['title']}" + (f" ({link})" if link else ""))
    limit = assessment.get("timeLimitMinutes")
    print(f"Time limit: {limit} minutes" if limit else "Time limit: none")
    print()
    print(assessment.get("taskBrief") or "(no brief)")
    print()


def _submission_line(submission: dict[str, Any] | None) -> str:
    if not submission:
        return "Submission: not submitted yet."
    when = submission.get("submittedAt") or "?"
    timing = LATE_MESSAGE if submission.get("submittedLate") else "on time"
    return f"Submission: evaluation {submission.get('evaluationId')}, sent {when}, {timing}."


# --------------------------------------------------------------------------------------------
# Test-command detection and zipping
# --------------------------------------------------------------------------------------------


def looks_like_test_command(argv: Sequence[str]) -> bool:
    """Whether a command runs tests: pytest, ``python -m pytest``, npm/yarn/pnpm test, go test,
    mvn test, gradle test, cargo test, make test, ... Leading ``VAR=value`` words and a path
    to the program (``.venv/bin/pytest``) are ignored."""
    words = [w for w in argv if w]
    while words and "=" in words[0] and not words[0].startswith(("-", "/", ".")):
        words = words[1:]  # environment assignments: PYTHONPATH=. pytest
    if words and words[0] in ("npx", "uv", "poetry", "pipenv", "hatch") and len(words) > 1:
        words = words[2:] if words[1] == "run" and words[0] != "npx" else words[1:]
    if not words:
        return False
    first = words[0]
    program = first if first.startswith("./") else Path(first).name
    rest = words[1:]
    if program in _TEST_PROGRAMS:
        return True
    if program.startswith("python") and len(rest) >= 2 and rest[0] == "-m":
        return rest[1] in _PYTHON_TEST_MODULES
    if program in _TEST_SUBCOMMANDS:
        subcommand = next((w for w in rest if not w.startswith("-")), "")
        if program in ("npm", "yarn", "pnpm", "bun") and subcommand == "run" and len(rest) > 1:
            subcommand = next((w for w in rest[rest.index("run") + 1 :] if w[:1] != "-"), "")
        return subcommand in _TEST_SUBCOMMANDS[program]
    return False


def _walk_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under ``root`` in a stable order, with their zip names; skips the folders
    in ``SKIPPED_DIRS``, the session file and links (the intake refuses links in a zip)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        here = Path(dirpath)
        for name in sorted(filenames):
            path = here / name
            if name in (STATE_FILE, STATE_FILE + ".tmp") and here == root:
                continue
            if path.is_symlink() or not path.is_file():
                continue
            yield path, path.relative_to(root).as_posix()


def zip_folder(root: Path, target: Path) -> int:
    """Write the files of ``root`` into the zip ``target``; returns how many went in."""
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, name in _walk_files(root):
            archive.write(path, name)
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


@dataclass
class Context:
    """What every command needs: the folder it runs in and a way to reach the server."""

    args: argparse.Namespace
    folder: Path
    url: str
    key: str | None

    def client(self) -> CandidateClient:
        if not self.key:
            raise CliError(
                f"No candidate key: pass --key TL-XXXX-XXXX or set {KEY_ENV}.", EXIT_AUTH
            )
        return CandidateClient(self.url, self.key)


def _session_from(ctx: Context, session: dict[str, Any]) -> SessionState:
    previous = load_state(ctx.folder)
    keep = previous.submission if previous and previous.session_id == session["id"] else None
    state = SessionState(
        session_id=session["id"],
        assessment_id=session["assessmentId"],
        deadline_at=session.get("deadlineAt"),
        started_at=session.get("startedAt"),
        url=ctx.url,
        submission=keep,
    )
    save_state(ctx.folder, state)
    return state


def cmd_start(ctx: Context) -> int:
    """Redeem the key (the clock starts), save the session here, print the brief."""
    with ctx.client() as api:
        try:
            session = api.redeem()
            print(f"Session started: {session['id']}")
        except ApiError as exc:
            # Starting again (another folder, a lost session file) resumes the same session.
            if exc.code != "key_already_redeemed" or not exc.extra.get("sessionId"):
                raise
            session = api.get_session(str(exc.extra["sessionId"]))
            print(f"This key was already redeemed; resuming session {session['id']}.")
        state = _session_from(ctx, session)
        assessment = api.get_assessment(state.assessment_id)
    print()
    _print_assessment(assessment)
    print(time_left_line(state.deadline_at))
    print(f"Session saved in {STATE_FILE}. When done: {PROG} submit --repo URL (or --zip/--dir).")
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    """The assessment of this folder's session, or of ``--assessment`` before starting."""
    state = load_state(ctx.folder)
    assessment_id = ctx.args.assessment or (state.assessment_id if state else None)
    if not assessment_id:
        raise CliError(
            "No session in this folder: run start (it starts the clock), "
            "or pass --assessment ID to read the brief first."
        )
    with ctx.client() as api:
        assessment = api.get_assessment(assessment_id)
    _print_assessment(assessment)
    if state and state.assessment_id == assessment_id:
        print(time_left_line(state.deadline_at))
    return EXIT_OK


def cmd_status(ctx: Context) -> int:
    """Session status, time left and the submission, as the server and this folder know them."""
    state = _require_state(ctx.folder)
    with ctx.client() as api:
        session = api.get_session(state.session_id)
    print(f"Session {session['id']}: {session.get('status')}")
    if session.get("status") == "active" or not state.submission:
        print(time_left_line(session.get("deadlineAt")))
    print(_submission_line(state.submission))
    return EXIT_OK


def _log(ctx: Context, state: SessionState, event: dict[str, Any]) -> None:
    with ctx.client() as api:
        api.post_events(state.session_id, [event])


def _command_event(command: str, exit_code: int, verification: bool) -> dict[str, Any]:
    return {
        "type": "command",
        "command": command[:_MAX_COMMAND],
        # Signals come back negative from subprocess; the server takes -255..255.
        "exitCode": max(-255, min(255, exit_code)),
        "verification": verification,
    }


def cmd_log(ctx: Context) -> int:
    """Record one prompt, command, edit or test run in the session."""
    state = _require_state(ctx.folder)
    args = ctx.args
    if args.event == "prompt":
        event: dict[str, Any] = {"type": "prompt"}
        what = "prompt"
    elif args.event == "command":
        verification = args.verification
        if verification is None:
            try:
                verification = looks_like_test_command(shlex.split(args.command))
            except ValueError:  # unbalanced quotes: judge by the first word
                verification = looks_like_test_command(args.command.split()[:2])
        event = _command_event(args.command, args.exit_code, verification)
        what = f"command (exit code {args.exit_code}{', verification' if verification else ''})"
    elif args.event == "edit":
        event = {"type": "edit", "editKind": args.kind, "path": args.path}
        what = f"{args.kind} edit of {args.path}"
    else:
        event = {"type": "test_run", "passed": args.passed, "failed": args.failed}
        what = f"test run ({args.passed} passed, {args.failed} failed)"
    _log(ctx, state, event)
    print(f"Logged {what}.")
    return EXIT_OK


def cmd_run(ctx: Context) -> int:
    """Run a command in this folder, then log it with its exit code; exits with that code."""
    argv = list(ctx.args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise CliError(f"Nothing to run: {PROG} run -- pytest -q")
    state = _require_state(ctx.folder)
    if not ctx.key:  # fail before running, not after
        ctx.client()
    try:
        # The candidate sees the output as it happens; nothing is captured or sent but the
        # command line and its exit code.
        exit_code = subprocess.run(argv, cwd=ctx.folder, check=False).returncode
    except FileNotFoundError:
        print(f"truelevel: command not found: {argv[0]}", file=sys.stderr)
        exit_code = 127  # the shell's code for it, so the log reads like a shell session
    except PermissionError:
        print(f"truelevel: not executable: {argv[0]}", file=sys.stderr)
        exit_code = 126
    verification = looks_like_test_command(argv)
    _log(ctx, state, _command_event(shlex.join(argv), exit_code, verification))
    kind = "verification command" if verification else "command"
    print(f"Logged {kind} with exit code {exit_code}.", file=sys.stderr)
    return exit_code


def cmd_submit(ctx: Context) -> int:
    """Submit a repository URL, a zip, or a folder zipped here, from this session."""
    state = _require_state(ctx.folder)
    with ctx.client() as api:
        submission = _send_submission(ctx, api, state)
        # Saved before anything else can fail: the server takes one submission per session.
        state.submission = {
            k: submission.get(k)
            for k in (
                "evaluationId",
                "status",
                "submittedLate",
                "submittedAt",
                "estimatedCompletion",
            )
        }
        save_state(ctx.folder, state)
        # The take-home is handed in: completing stops the session's clock, which is what the
        # cohort's duration is measured to. An expired session has already stopped (409).
        try:
            session: dict[str, Any] | None = api.complete_session(state.session_id)
        except ApiError as exc:
            if exc.status != 409:
                raise
            session = None
    print(f"Submitted: evaluation {submission.get('evaluationId')} ({submission.get('status')}).")
    if submission.get("submittedLate"):
        print(f"Note: {LATE_MESSAGE}.")
    if session is not None and session.get("status") == "completed":
        print("Session completed.")
    if submission.get("estimatedCompletion"):
        print(f"Evaluation expected by {submission['estimatedCompletion']}.")
    return EXIT_OK


def _send_submission(ctx: Context, api: CandidateClient, state: SessionState) -> dict[str, Any]:
    """Upload what needs uploading, then submit it from the session."""
    args = ctx.args
    try:
        if args.repo:
            return api.submit(state.session_id, repo_url=args.repo)
        if args.zip:
            path = Path(args.zip).expanduser()
            if not path.is_file():
                raise CliError(f"No such file: {path}")
            upload_id = api.upload_zip(path)
            print(f"Uploaded {path.name} ({path.stat().st_size} bytes).")
            return api.submit(state.session_id, upload_id=upload_id)
        folder = Path(args.dir).expanduser()
        if not folder.is_dir():
            raise CliError(f"No such folder: {folder}")
        with tempfile.TemporaryDirectory(prefix="truelevel-") as tmp:
            target = Path(tmp) / f"{folder.resolve().name or 'submission'}.zip"
            count = zip_folder(folder, target)
            if count == 0:
                raise CliError(f"Nothing to send: {folder} has no files.")
            upload_id = api.upload_zip(target)
            files = "1 file" if count == 1 else f"{count} files"
            print(f"Uploaded {files} from {folder} ({target.stat().st_size} bytes).")
        return api.submit(state.session_id, upload_id=upload_id)
    except ApiError as exc:
        if exc.code == "already_submitted" and exc.extra.get("evaluationId"):
            raise CliError(
                f"This session already has a submission (evaluation {exc.extra['evaluationId']}); "
                "a session takes one submission only."
            ) from None
        raise


# --------------------------------------------------------------------------------------------
# Parser and entry point
# --------------------------------------------------------------------------------------------


def _connection_options() -> argparse.ArgumentParser:
    """``--key`` and ``--url``, accepted before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--key", default=argparse.SUPPRESS, help=f"candidate key (default: ${KEY_ENV})"
    )
    common.add_argument(
        "--url",
        default=argparse.SUPPRESS,
        help=f"truelevel server (default: ${URL_ENV}, the session's, or {DEFAULT_URL})",
    )
    return common


def _exit_code(value: str) -> int:
    number = int(value)
    if not -255 <= number <= 255:
        raise argparse.ArgumentTypeError("an exit code is between -255 and 255")
    return number


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("a count cannot be negative")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree of every command."""
    common = _connection_options()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="truelevel for candidates: read the brief, log your work, submit.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = sub.add_parser("show", parents=[common], help="show the assessment brief")
    show.add_argument("--assessment", help="assessment id, to read the brief before start")
    show.set_defaults(handler=cmd_show)

    start = sub.add_parser("start", parents=[common], help="start the session (starts the clock)")
    start.set_defaults(handler=cmd_start)

    status = sub.add_parser("status", parents=[common], help="time left and submission state")
    status.set_defaults(handler=cmd_status)

    log = sub.add_parser("log", parents=[common], help="log a prompt, command, edit or test run")
    kinds = log.add_subparsers(dest="event", required=True, metavar="EVENT")
    kinds.add_parser("prompt", parents=[common], help="one prompt to an AI assistant")
    command = kinds.add_parser("command", parents=[common], help="a command you ran")
    command.add_argument("command", help='the command line, e.g. "pytest -q"')
    command.add_argument("--exit-code", type=_exit_code, required=True)
    command.add_argument(
        "--verification",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="it checked the work (default: guessed from the command)",
    )
    edit = kinds.add_parser("edit", parents=[common], help="a file you changed")
    edit.add_argument("path")
    edit.add_argument("--kind", choices=("manual", "assisted"), required=True)
    test = kinds.add_parser("test", parents=[common], help="a test run's counts")
    test.add_argument("--passed", type=_count, required=True)
    test.add_argument("--failed", type=_count, required=True)
    log.set_defaults(handler=cmd_log)

    run = sub.add_parser(
        "run", parents=[common], help="run a command here and log it with its exit code"
    )
    run.add_argument("argv", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    run.set_defaults(handler=cmd_run)

    submit = sub.add_parser("submit", parents=[common], help="submit your take-home")
    what = submit.add_mutually_exclusive_group(required=True)
    what.add_argument("--repo", metavar="URL", help="a git repository URL")
    what.add_argument("--zip", metavar="FILE", help="a zip file")
    what.add_argument("--dir", metavar="FOLDER", help="a folder to zip and send")
    submit.set_defaults(handler=cmd_submit)
    return parser


def _api_error_message(exc: ApiError) -> tuple[str, int]:
    if exc.status in (401, 403, 410):
        return f"The server refused the candidate key: {exc.message}", EXIT_AUTH
    return f"The server refused the request ({exc.status} {exc.code}): {exc.message}", EXIT_FAILED


def main(argv: Sequence[str] | None = None, *, cwd: Path | None = None) -> int:
    """Run one command; returns the exit code (errors are one line on stderr)."""
    args = build_parser().parse_args(argv)
    folder = cwd or Path.cwd()
    handler: Callable[[Context], int] = args.handler
    try:
        state = load_state(folder)
        url = (
            getattr(args, "url", None)
            or os.environ.get(URL_ENV)
            or (state.url if state else None)
            or DEFAULT_URL
        )
        key = (getattr(args, "key", None) or os.environ.get(KEY_ENV) or "").strip() or None
        return handler(Context(args=args, folder=folder, url=url, key=key))
    except CliError as exc:
        print(f"truelevel: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except ApiError as exc:
        message, code = _api_error_message(exc)
        print(f"truelevel: {message}", file=sys.stderr)
        return code
    except ServerUnreachable as exc:
        print(
            f"truelevel: cannot reach the truelevel server at {exc.url} ({exc.reason}); "
            f"check --url or {URL_ENV}.",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        return 130
