"""Safe intake of a code submission: a git repository fetched by URL, or an uploaded zip.

Everything a candidate sends is hostile until checked. A repository URL must name a public host
(local files and private networks only when the deployment allows them) and carry no
credentials; the clone runs through ``git_adapter`` with a time limit and a size cap. A zip is
checked entry by entry before a single byte is written (names, links, device files, declared
sizes, compression ratio, file count), then extracted as plain files only while the real
unpacked sizes are counted again. A link is never written as a link, by either path: one that
names a place inside the submission is replaced by a copy of it (``tree_links``), so a suite
importing a file its project links from elsewhere still runs.

Every refusal is an ``IntakeRefused`` with a stable ``code`` and a ``reason`` a recruiter or
candidate can read on the failed evaluation.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import urlsplit

from backend.settings import Settings, get_settings
from workers.evaluation.code import git_adapter, tree_links
from workers.evaluation.scratch import remove_tree, tree_size

RefusalCode = Literal[
    "url_not_allowed",
    "repository_unreachable",
    "repository_inaccessible",
    "repository_too_large",
    "clone_timeout",
    "zip_path_traversal",
    "zip_absolute_path",
    "zip_link",
    "zip_special_file",
    "zip_bomb",
    "zip_too_large",
    "zip_too_many_files",
    "zip_too_deep",
    "zip_encrypted",
    "zip_corrupt",
    "zip_size_mismatch",
    "empty_submission",
    "upload_missing",
]

_MB = 1024 * 1024
_REMOTE_SCHEMES = {"https", "http", "ssh", "git"}
# Schemes where a user name alone is how the protocol works (git@host) and holds no secret.
_USER_NAME_ALLOWED = {"ssh"}
# The compression-ratio rule only matters for entries big enough to hurt; small repetitive files
# (an empty-ish fixture, a file of spaces) legitimately compress very well.
_RATIO_CHECK_MIN_BYTES = 1 * _MB
_COPY_CHUNK = 64 * 1024
# git's words when the server answered but will not hand the repository over: it does not exist,
# or it is private. Anything else (no DNS, no route, refused connection) means unreachable.
_INACCESSIBLE_MARKERS = (
    "Authentication failed",
    "could not read Username",
    "could not read Password",
    "terminal prompts disabled",
    "not found",
    "Repository not found",
    "does not appear to be a git repository",
    "Permission denied (publickey",
    "The requested URL returned error: 401",
    "The requested URL returned error: 403",
    "The requested URL returned error: 404",
)
_TRANSPORT_HELPER = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)::")
_DOS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# scp-like "user:token@host:path": git would read "user" as the host and send the rest as a path.
_SCP_CREDENTIALS = re.compile(r"^[^/]*@[^/]*:")
# What zipfile raises for damaged or crafted archives (bad headers, CRC mismatches, unknown
# compression methods, truncated streams).
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    ValueError,
    OSError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    zlib.error,
)
# Archivers add these; they are never part of a submission.
_IGNORED_TOP_LEVEL = {"__MACOSX"}


class IntakeRefused(Exception):
    """A submission that is not taken in. ``code`` is stable for programs, ``reason`` is a
    sentence for people and never contains credentials."""

    def __init__(self, code: RefusalCode, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code: RefusalCode = code
        self.reason = reason


# --- repositories ---------------------------------------------------------------------------


def fetch_repository(url: str, dest: Path, *, settings: Settings | None = None) -> Path:
    """Clone the repository at ``url`` with its full history into ``dest`` (must not exist) and
    return ``dest``. Raises ``IntakeRefused`` for a URL that is not allowed, an unreachable or
    over-size repository, a clone past the time limit, or a repository without commits."""
    settings = settings or get_settings()
    url = url.strip()
    shown = git_adapter.redact_url(url)
    allow_local = settings.evaluation_allow_local_urls
    _check_repository_url(url, allow_local=allow_local)
    max_mb = settings.evaluation_max_repo_mb
    try:
        git_adapter.clone(
            url,
            Path(dest),
            timeout_s=settings.evaluation_clone_timeout_s,
            max_bytes=max_mb * _MB,
            allow_file_protocol=allow_local,
        )
    except git_adapter.GitError as error:
        if error.kind == "timeout":
            raise IntakeRefused(
                "clone_timeout",
                f"Fetching {shown} took longer than {settings.evaluation_clone_timeout_s} s.",
            ) from None
        if error.kind == "too_large":
            raise IntakeRefused(
                "repository_too_large",
                f"The repository at {shown} is larger than the {max_mb} MB limit.",
            ) from None
        words = _git_reason(error.detail)
        if any(marker in error.detail for marker in _INACCESSIBLE_MARKERS):
            raise IntakeRefused(
                "repository_inaccessible",
                f"The repository at {shown} does not exist or is not public: {words}",
            ) from None
        raise IntakeRefused(
            "repository_unreachable", f"Could not fetch the repository at {shown}: {words}"
        ) from None
    if not git_adapter.has_commits(Path(dest)):
        shutil.rmtree(dest, ignore_errors=True)
        raise IntakeRefused("empty_submission", f"The repository at {shown} has no commits.")
    _replace_checked_out_links(Path(dest), max_mb * _MB)
    return Path(dest)


def _replace_checked_out_links(repo: Path, max_bytes: int) -> None:
    """Each link git checked out as a file holding its text becomes a copy of what it names
    when that is inside the repository, and is left out otherwise (``tree_links``)."""
    links = []
    for relative in git_adapter.link_paths(repo):
        placeholder = repo / relative
        if placeholder.is_symlink() or not placeholder.is_file():
            continue
        with open(placeholder, "rb") as handle:
            text = handle.read(tree_links.MAX_TARGET_CHARS + 1)
        placeholder.unlink()
        links.append(tree_links.TreeLink(PurePosixPath(relative), text.decode("utf-8", "replace")))
    if links:
        tree_links.replace_links(repo, links, max_bytes=max_bytes - tree_size(repo))


def _git_reason(detail: str) -> str:
    """git's own explanation: its first ``fatal:`` line (later lines are generic advice)."""
    lines = [line.strip() for line in detail.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("fatal:"):
            return line.removeprefix("fatal:").strip()
    return lines[-1] if lines else "git gave no reason"


def _check_repository_url(url: str, *, allow_local: bool) -> None:
    """Refuse URLs git must not be pointed at: unknown transports, credentials, local files and
    private hosts (unless the deployment allows local URLs)."""
    shown = git_adapter.redact_url(url)
    if not url or url.startswith("-") or any(ch in url for ch in "\0\r\n"):
        raise IntakeRefused("url_not_allowed", "The repository URL is not a valid git URL.")
    helper = _TRANSPORT_HELPER.match(url)
    if helper:  # "ext::command", "fd::17": git hands these to a helper program
        raise IntakeRefused(
            "url_not_allowed",
            f"{shown} uses the '{helper.group(1)}' transport; use an https, ssh or git URL.",
        )
    parts = urlsplit(url)
    # git's own rule: without "://", a colon before the first slash makes [user@]host:path (ssh).
    # urlsplit would read "github.com:alice/repo.git" as the scheme "github.com".
    scp_like = "://" not in url and ":" in url.split("/", 1)[0] and not _DOS_DRIVE.match(url)
    scheme = "" if scp_like else parts.scheme.lower()
    if scp_like:  # git takes the host up to the first colon
        user_host, path = url.split(":", 1)
        if _SCP_CREDENTIALS.match(path):
            raise IntakeRefused(
                "url_not_allowed",
                f"The repository URL {shown} contains a user name and password. Share a "
                "public repository URL without credentials, or upload a zip.",
            )
        _check_host(user_host.rpartition("@")[2], allow_local=allow_local, shown=shown)
        return
    if scheme == "file" or (not scheme and not scp_like):
        if not allow_local:
            raise IntakeRefused(
                "url_not_allowed",
                f"{shown} is a local path; only remote repositories can be fetched.",
            )
        return
    if scheme not in _REMOTE_SCHEMES:
        raise IntakeRefused(
            "url_not_allowed",
            f"{shown} uses the '{scheme}' transport; use an https, ssh or git URL.",
        )
    if parts.password is not None or (parts.username and scheme not in _USER_NAME_ALLOWED):
        raise IntakeRefused(
            "url_not_allowed",
            f"The repository URL {shown} contains a user name or password. Share a public "
            "repository URL without credentials, or upload a zip.",
        )
    if not parts.hostname:
        raise IntakeRefused("url_not_allowed", f"{shown} names no host.")
    _check_host(parts.hostname, allow_local=allow_local, shown=shown)


def _check_host(host: str, *, allow_local: bool, shown: str) -> None:
    if allow_local:
        return
    host = host.strip("[]")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        raise IntakeRefused(
            "repository_unreachable", f"The host of {shown} could not be found."
        ) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            raise IntakeRefused(
                "url_not_allowed",
                f"{shown} points at a private or local network address; only public hosts "
                "can be fetched.",
            )


# --- zip uploads ----------------------------------------------------------------------------


def unpack_zip(zip_path: Path, dest: Path, *, settings: Settings | None = None) -> Path:
    """Check the zip at ``zip_path`` and extract it into ``dest`` (created; must be empty).

    Returns the submission root: ``dest``, or the single folder inside it when the archive wraps
    everything in one top-level folder (as GitHub's "Download ZIP" does). Raises
    ``IntakeRefused`` before anything is written for a hostile or broken archive, and removes
    what was written when the real unpacked sizes break the limits during extraction.
    """
    settings = settings or get_settings()
    zip_path, dest = Path(zip_path), Path(dest)
    max_zip_mb = settings.evaluation_max_zip_mb
    if zip_path.stat().st_size > max_zip_mb * _MB:
        raise IntakeRefused(
            "zip_too_large", f"The zip file is larger than the {max_zip_mb} MB upload limit."
        )
    try:
        archive = zipfile.ZipFile(zip_path)
    except _UNREADABLE:
        raise IntakeRefused("zip_corrupt", "The upload is not a readable zip file.") from None
    with archive:
        entries, links = _checked_entries(archive, settings, archive_bytes=zip_path.stat().st_size)
        dest.mkdir(parents=True, exist_ok=True)
        if any(dest.iterdir()):
            raise ValueError(f"{dest} is not empty")
        try:
            _extract(archive, entries, dest, settings, zip_path=zip_path)
            room = settings.evaluation_max_unpacked_mb * _MB - tree_size(dest)
            tree_links.replace_links(dest, links, max_bytes=room)
        except IntakeRefused:
            _empty_folder(dest)
            raise
    return _submission_root(dest)


def _checked_entries(
    archive: zipfile.ZipFile, settings: Settings, *, archive_bytes: int
) -> tuple[list[tuple[zipfile.ZipInfo, PurePosixPath]], list[tree_links.TreeLink]]:
    """Every entry to extract with its safe relative path, and the links to replace by copies
    of what they name, or ``IntakeRefused`` for the first entry that breaks a rule. Reads only
    the central directory and the links' short texts."""
    infos = archive.infolist()
    max_files = settings.evaluation_max_files
    if len(infos) > max_files:
        raise IntakeRefused(
            "zip_too_many_files",
            f"The zip holds {len(infos)} entries; the limit is {max_files}.",
        )
    max_total = settings.evaluation_max_unpacked_mb * _MB
    max_ratio = settings.evaluation_max_compression_ratio
    entries: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    links: list[tree_links.TreeLink] = []
    declared_total = 0
    max_depth = settings.evaluation_max_zip_depth
    for info in infos:
        path = _safe_path(info.filename)
        if path is None:
            continue
        depth = len(path.parts) - (0 if info.is_dir() else 1)  # folders to create
        if depth > max_depth:
            raise IntakeRefused(
                "zip_too_deep",
                f"The zip nests folders {depth} deep; the limit is {max_depth}.",
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            links.append(_link(archive, info, path))
            continue
        # No file-type bits (Windows archivers, zipfile.writestr) means a plain entry.
        if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise IntakeRefused(
                "zip_special_file",
                f"'{info.filename}' is a device, pipe or socket, not a regular file.",
            )
        if info.flag_bits & 0x1:
            raise IntakeRefused(
                "zip_encrypted", f"'{info.filename}' is password-protected; upload a plain zip."
            )
        declared_total += info.file_size
        if declared_total > max_total:
            raise IntakeRefused(
                "zip_too_large",
                f"The zip unpacks to more than the {settings.evaluation_max_unpacked_mb} MB limit.",
            )
        if info.file_size > _RATIO_CHECK_MIN_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise IntakeRefused(
                "zip_bomb",
                f"'{info.filename}' expands {info.file_size // max(info.compress_size, 1)} "
                f"times (limit {max_ratio}); the archive looks like a zip bomb.",
            )
        entries.append((info, path))
    # Many entries that each stay under the per-file rule (or overlap the same compressed data)
    # still make a bomb when the archive as a whole expands too far.
    if declared_total > _RATIO_CHECK_MIN_BYTES and declared_total > max_ratio * max(
        archive_bytes, 1
    ):
        raise IntakeRefused(
            "zip_bomb",
            f"The zip expands {declared_total // max(archive_bytes, 1)} times as a whole "
            f"(limit {max_ratio}); the archive looks like a zip bomb.",
        )
    if not any(not info.is_dir() for info, _ in entries):
        raise IntakeRefused("empty_submission", "The zip contains no files.")
    return entries, links


def _link(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: PurePosixPath
) -> tree_links.TreeLink:
    """A link entry, accepted only when it names a place inside the submission (it is then
    replaced by a copy of what it names, ``tree_links``)."""
    outside = IntakeRefused(
        "zip_link",
        f"'{info.filename}' is a symbolic link to a place outside the submission; such links "
        "are not accepted.",
    )
    if info.file_size > tree_links.MAX_TARGET_CHARS:
        raise outside
    try:
        target = archive.read(info).decode("utf-8")
    except UnicodeDecodeError:
        raise outside from None
    except _UNREADABLE:
        raise IntakeRefused(
            "zip_corrupt", f"'{info.filename}' cannot be read from the zip (damaged data)."
        ) from None
    link = tree_links.TreeLink(path, target)
    if tree_links.inside(link) is None:
        raise outside
    return link


def _safe_path(name: str) -> PurePosixPath | None:
    """The entry's path relative to the destination; None for entries that are skipped;
    ``IntakeRefused`` for names that point outside it."""
    if "\0" in name:
        raise IntakeRefused("zip_corrupt", "An entry name contains a NUL character.")
    unified = name.replace("\\", "/")  # Windows archivers write backslashes
    if unified.startswith("/") or (len(unified) > 1 and unified[0].isalpha() and unified[1] == ":"):
        raise IntakeRefused(
            "zip_absolute_path", f"'{name}' is an absolute path; entries must be relative."
        )
    parts = [part for part in unified.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise IntakeRefused(
            "zip_path_traversal", f"'{name}' climbs out of the submission folder with '..'."
        )
    if not parts or parts[0] in _IGNORED_TOP_LEVEL:
        return None
    return PurePosixPath(*parts)


def _extract(
    archive: zipfile.ZipFile,
    entries: list[tuple[zipfile.ZipInfo, PurePosixPath]],
    dest: Path,
    settings: Settings,
    *,
    zip_path: Path,
) -> None:
    """Write regular files and folders only, counting the bytes really produced: a header may
    lie about sizes, the stream cannot."""
    max_total = settings.evaluation_max_unpacked_mb * _MB
    max_ratio = settings.evaluation_max_compression_ratio
    written_total = 0
    for info, relative in entries:
        target = dest.joinpath(*relative.parts)
        if info.is_dir():
            _make_folders(dest, relative.parts)
            continue
        _make_folders(dest, relative.parts[:-1])
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        executable = (info.external_attr >> 16) & 0o100
        try:
            fd = os.open(target, flags, 0o755 if executable else 0o644)
        except FileExistsError:
            raise IntakeRefused(
                "zip_corrupt", f"'{info.filename}' appears twice in the zip."
            ) from None
        except OSError as error:  # a name this file system cannot hold (too long, bad bytes)
            raise IntakeRefused(
                "zip_corrupt", f"'{info.filename}' cannot be written: {error.strerror}."
            ) from None
        written = 0
        try:
            with os.fdopen(fd, "wb") as out, archive.open(info) as stream:
                while chunk := stream.read(_COPY_CHUNK):
                    written += len(chunk)
                    written_total += len(chunk)
                    if written_total > max_total:
                        raise IntakeRefused(
                            "zip_too_large",
                            f"The zip unpacks to more than the "
                            f"{settings.evaluation_max_unpacked_mb} MB limit.",
                        )
                    if written > info.file_size:
                        raise _size_mismatch(info)
                    if written > _RATIO_CHECK_MIN_BYTES and written > max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise IntakeRefused(
                            "zip_bomb",
                            f"'{info.filename}' expands more than {max_ratio} times; the "
                            "archive looks like a zip bomb.",
                        )
                    out.write(chunk)
        except _UNREADABLE:
            # zipfile stops at the declared size and then fails the checksum; tell a header
            # that understates its data (a bomb trying to pass the checks) from plain damage.
            if _inflates_past_declared(zip_path, info):
                raise _size_mismatch(info) from None
            raise IntakeRefused(
                "zip_corrupt", f"'{info.filename}' cannot be read from the zip (damaged data)."
            ) from None


def _size_mismatch(info: zipfile.ZipInfo) -> IntakeRefused:
    return IntakeRefused(
        "zip_size_mismatch",
        f"'{info.filename}' unpacks to more than the {info.file_size} bytes its header "
        "declares; the archive was tampered with.",
    )


def _inflates_past_declared(zip_path: Path, info: zipfile.ZipInfo) -> bool:
    """True when the entry's compressed data really produces more bytes than its header says.
    Decompresses in bounded steps and stops one byte past the declared size."""
    try:
        with open(zip_path, "rb") as handle:
            handle.seek(info.header_offset)
            header = handle.read(30)  # the fixed part of the local file header
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                return False
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            handle.seek(info.header_offset + 30 + name_length + extra_length)
            if info.compress_type == zipfile.ZIP_STORED:
                return info.compress_size > info.file_size
            if info.compress_type != zipfile.ZIP_DEFLATED:
                return False
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as in zips
            produced, left = 0, info.compress_size
            while left > 0:
                pending = handle.read(min(_COPY_CHUNK, left))
                if not pending:
                    return False
                left -= len(pending)
                while pending:
                    produced += len(inflater.decompress(pending, _COPY_CHUNK))
                    if produced > info.file_size:
                        return True
                    pending = inflater.unconsumed_tail
                if inflater.eof:
                    return False
    except (OSError, zlib.error, struct.error):
        return False
    return False


def _make_folders(dest: Path, parts: tuple[str, ...]) -> None:
    """Create the folders one by one, refusing to walk through anything that is not a real
    folder we made (a file of the same name, or a link)."""
    current = dest
    for part in parts:
        current = current / part
        try:
            current.mkdir()
        except FileExistsError:
            if current.is_symlink() or not current.is_dir():
                raise IntakeRefused(
                    "zip_corrupt", f"'{part}' is both a file and a folder in the zip."
                ) from None
        except OSError as error:  # a name or path this file system cannot hold
            raise IntakeRefused(
                "zip_corrupt", f"'{part[:100]}' cannot be created: {error.strerror}."
            ) from None


def _empty_folder(dest: Path) -> None:
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            remove_tree(child)
        else:
            child.unlink(missing_ok=True)


def _submission_root(dest: Path) -> Path:
    children = [child for child in dest.iterdir() if child.name not in _IGNORED_TOP_LEVEL]
    if len(children) == 1 and children[0].is_dir():
        return children[0]
    return dest
