"""Real mail servers for tests: Dovecot (IMAP) with a throwaway config and an aiosmtpd sink.

Both bind 127.0.0.1 on a port free at run time. Dovecot runs from Debian's ``dovecot-imapd``
(``/usr/sbin/dovecot``); missing, the tests skip locally and fail in CI (require_server).
"""

from __future__ import annotations

import contextlib
import dataclasses
import email
import email.message
import email.policy
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@dataclasses.dataclass
class Dovecot:
    port: int
    user: str
    password: str
    base: Path
    home: Path

    def maildir(self) -> Path:
        return self.home / "Maildir"


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT)


@contextlib.contextmanager
def run_dovecot() -> Iterator[Dovecot]:
    # Dovecot's auth and mail processes run as other users: the directory must be readable by
    # them, which pytest's private tmp_path (mode 0700) is not.
    tmp = Path(tempfile.mkdtemp(prefix="tierdesk-dovecot-"))
    tmp.chmod(0o755)
    try:
        with _dovecot_in(tmp) as server:
            yield server
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _dovecot_in(tmp: Path) -> Iterator[Dovecot]:
    port = free_port()
    base = tmp / "dovecot"
    home = tmp / "home"
    for d in (base, home, base / "state"):
        d.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
        login_user, internal_user = "dovenull", "dovecot"
    else:
        uid, gid = os.getuid(), os.getgid()
        login_user = internal_user = pwd.getpwuid(uid).pw_name
    os.chown(home, uid, gid)
    user, password = "support", "secret-pw"
    (base / "passwd").write_text(f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{home}::\n")
    config = base / "dovecot.conf"
    config.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {base}/passwd
}}
"""
    )
    try:
        # dovecot forks into the background; its output goes to its log file
        subprocess.run(
            [DOVECOT, "-c", str(config)],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
        wait_for_port(port)
        _wait_for_login(port, user, password)
        yield Dovecot(port=port, user=user, password=password, base=base, home=home)
    finally:
        pid_file = base / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)


def _wait_for_login(port: int, user: str, password: str, timeout: float = 20.0) -> None:
    """Dovecot accepts connections before its auth service is ready: wait for a login."""
    from imapclient import IMAPClient

    deadline = time.monotonic() + timeout
    while True:
        try:
            client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=5)
            client.login(user, password)
            client.logout()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class SmtpSink:
    """An aiosmtpd server that keeps every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def raw(self, index: int) -> bytes:
        return self.messages[index].as_bytes()
