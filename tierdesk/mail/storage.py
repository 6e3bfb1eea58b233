"""Raw messages on disk: ``TIERDESK_DATA_DIR/mail/raw/ab/<sha256>.eml``.

Files are content-addressed and written atomically (temporary file, fsync, rename), so a crash
never leaves a half-written message under its final name, writing the same message twice is
harmless, and the name of a file says nothing chosen by the sender.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def raw_root() -> Path:
    return Path(settings.DATA_DIR) / "mail" / "raw"


def relative_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}.eml"


def store_raw(raw: bytes, *, fsync: bool = True) -> tuple[str, str]:
    """Write ``raw`` (if not there yet); returns (sha256, path relative to the raw root).
    Raises OSError when the disk is full or not writable (a temporary failure)."""
    digest = hashlib.sha256(raw).hexdigest()
    rel = relative_path(digest)
    target = raw_root() / rel
    if target.exists() and target.stat().st_size == len(raw):
        return digest, rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest, rel


def read_raw(rel: str) -> bytes:
    path = (raw_root() / rel).resolve()
    if raw_root().resolve() not in path.parents:
        raise ValueError(f"raw message path outside the store: {rel!r}")
    return path.read_bytes()
