"""Resume files: decoded from base64 (or a ``data:`` URL), checked, and stored under
``resumes/<org_id>/`` in the installation's store (``storage``). The database keeps only the
key, the sanitised file name, the size and the detected type; the API never shows the key.

Accepted types are detected from the bytes, not from what the client claims: PDF, Word
(.docx and .doc), OpenDocument text, RTF and UTF-8 plain text. At most 10 MB.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from backend.models.pipeline import Application, Candidate
from backend.services import storage_quota
from backend.services.errors import PayloadTooLarge
from backend.services.pipeline.errors import Unprocessable
from backend.services.storage import checked_key, discard, get_storage

MAX_RESUME_BYTES = 10 * 1024 * 1024
RESUMES = "resumes"
_MAX_STEM = 100
_DATA_URL = re.compile(r"^data:([^,;]*)((?:;[^,;]*)*),", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_ODT_MIME = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class DecodedResume:
    content: bytes
    content_type: str
    extension: str


@dataclass(frozen=True)
class StoredResume:
    path: str  # the storage key
    filename: str
    size: int
    content_type: str


def decode_resume(encoded: str, *, field: str = "file") -> DecodedResume:
    """Decode and type-check a resume sent as base64 or as a ``data:...;base64,`` URL.

    Raises Unprocessable (422) for bad base64 or an unsupported type, PayloadTooLarge (413)
    above 10 MB."""
    payload = encoded.strip()
    match = _DATA_URL.match(payload)
    if match:
        if "base64" not in match.group(2).lower():
            raise Unprocessable(
                f"{field}: a data URL must be base64-encoded (data:<type>;base64,...).",
                field=field,
                code="invalid_file",
            )
        payload = payload[match.end() :]
    payload = _WHITESPACE.sub("", payload)
    # Checked before decoding so an oversized upload costs no extra memory.
    if len(payload) // 4 * 3 > MAX_RESUME_BYTES + 3:
        raise PayloadTooLarge(
            f"{field}: the resume is larger than {MAX_RESUME_BYTES // (1024 * 1024)} MB.",
            code="resume_too_large",
            max_bytes=MAX_RESUME_BYTES,
        )
    content = _b64decode(payload, field=field)
    if not content:
        raise Unprocessable(f"{field}: the resume is empty.", field=field, code="invalid_file")
    if len(content) > MAX_RESUME_BYTES:
        raise PayloadTooLarge(
            f"{field}: the resume is larger than {MAX_RESUME_BYTES // (1024 * 1024)} MB.",
            code="resume_too_large",
            max_bytes=MAX_RESUME_BYTES,
        )
    detected = _detect_type(content)
    if detected is None:
        raise Unprocessable(
            f"{field}: unsupported resume type; send a PDF, Word (.docx or .doc), "
            "OpenDocument text, RTF or plain-text file.",
            field=field,
            code="unsupported_file_type",
        )
    content_type, extension = detected
    return DecodedResume(content=content, content_type=content_type, extension=extension)


def _b64decode(payload: str, *, field: str) -> bytes:
    # Accept the URL-safe alphabet and missing padding: both are common in ATS exports.
    if "-" in payload or "_" in payload:
        payload = payload.replace("-", "+").replace("_", "/")
    if len(payload) % 4 == 1:
        raise Unprocessable(
            f"{field}: not valid base64 (wrong length).", field=field, code="invalid_base64"
        )
    payload += "=" * (-len(payload) % 4)
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Unprocessable(
            f"{field}: not valid base64 ({exc}).", field=field, code="invalid_base64"
        ) from exc


def _detect_type(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's leading bytes, or None when unsupported."""
    if content.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword", ".doc"
    if content.startswith(b"{\\rtf"):
        return "application/rtf", ".rtf"
    if content.startswith(b"PK\x03\x04"):
        return _detect_zip_document(content)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return "text/plain", ".txt"


def _detect_zip_document(content: bytes) -> tuple[str, str] | None:
    # Only the central directory and one tiny member are read: nothing is extracted.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ".docx",
                )
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 128:
                if archive.read("mimetype").strip() == _ODT_MIME:
                    return _ODT_MIME.decode(), ".odt"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError):
        return None
    return None


def sanitize_filename(name: str | None, *, extension: str) -> str:
    """A safe file name: ASCII letters, digits, ``._-``; no directories; ends with
    ``extension`` (the detected type wins over what the client called the file)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem = ext
    stem = _UNSAFE_CHARS.sub("_", stem).strip("._-")[:_MAX_STEM].strip("._-")
    return f"{stem or 'resume'}{extension}"


def store_resume(*, org_id: str, resume: DecodedResume, file_name: str | None) -> StoredResume:
    """Store the file and return what the database keeps about it."""
    filename = sanitize_filename(file_name, extension=resume.extension)
    # A random prefix keeps two uploads with the same name apart.
    stored_name = f"{uuid.uuid4().hex[:16]}-{filename}"
    key = PurePosixPath(RESUMES, _safe_segment(org_id), stored_name).as_posix()
    storage_quota.reserve(
        org_id=org_id, key=key, size=len(resume.content), kind=storage_quota.Kind.resume
    )
    try:
        get_storage().put_bytes(key, resume.content)
    except BaseException:
        discard(key)
        raise
    return StoredResume(
        path=key,
        filename=filename,
        size=len(resume.content),
        content_type=resume.content_type,
    )


def resume_key(stored_path: str) -> str:
    """The storage key of a stored resume; ValueError for one outside the resumes folder."""
    key = checked_key(stored_path)
    if not key.startswith(f"{RESUMES}/"):
        raise ValueError("resume path outside the resumes folder")
    return key


def delete_resume(relative_path: str | None) -> None:
    """Remove a stored resume; a file already gone is not an error."""
    if not relative_path:
        return
    try:
        discard(resume_key(relative_path))
    except ValueError:
        # The row is already updated; a leftover file is harmless and never served.
        pass


def _safe_segment(value: str) -> str:
    # Organisation ids are UUIDs; this only guards against a future id format with slashes.
    return _UNSAFE_CHARS.sub("_", value).strip("._") or "org"


def attach_resume(row: Candidate | Application, stored: StoredResume | None) -> None:
    """Point a candidate or an application at a stored resume, or at none."""
    row.resume_path = stored.path if stored else None
    row.resume_filename = stored.filename if stored else None
    row.resume_size = stored.size if stored else None
    row.resume_content_type = stored.content_type if stored else None
    row.resume_deleted_at = None


@dataclass
class ResumeChange:
    """What a create or update did to a row's resume, so the caller can tidy files after the
    commit (``finish``) or after a failed one (``discard``)."""

    old_path: str | None
    new: StoredResume | None = None
    changed: bool = False  # the row's resume fields changed
    replaced: bool = False  # the file itself was replaced or removed

    def discard(self) -> None:
        """The commit failed: remove the file written for it."""
        delete_resume(self.new.path if self.new else None)

    def finish(self) -> None:
        """The commit succeeded: remove the file that was replaced."""
        new_path = self.new.path if self.new else None
        if self.replaced and self.old_path and self.old_path != new_path:
            delete_resume(self.old_path)


def change_resume(
    row: Candidate | Application,
    *,
    org_id: str,
    sent: bool,
    encoded: str | None,
    file_name: str | None,
    field: str,
) -> ResumeChange:
    """Apply the resume fields of a create or a partial update to ``row`` (not committed).

    ``sent`` with content replaces the resume; ``sent`` with null or "" removes it; a bare
    ``file_name`` renames the stored resume (keeping the detected extension)."""
    change = ResumeChange(old_path=row.resume_path)
    if sent:
        if encoded:
            decoded = decode_resume(encoded, field=field)
            change.new = store_resume(org_id=org_id, resume=decoded, file_name=file_name)
        attach_resume(row, change.new)
        change.changed = change.replaced = True
    elif file_name and row.resume_filename:
        extension = "." + row.resume_filename.rpartition(".")[2]
        row.resume_filename = sanitize_filename(file_name, extension=extension)
        change.changed = True
    return change
