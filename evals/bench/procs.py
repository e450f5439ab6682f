"""Local service processes on loopback: start one, wait until it answers, stop it.

Used by the benchmark (a ``chroma run`` server) and the tests (the same server, and the web chat
in its own process). One loop instead of three: a free port, a readiness probe, a clear error
carrying the end of the process's log when it exits or never becomes ready, and a stop that
terminates, then kills.

Example:
    >>> with chroma_server(Path("/tmp/chroma-data")) as (port, proc):   # doctest: +SKIP
    ...     chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path


class ServiceError(RuntimeError):
    """A service process exited early or never became ready; the message ends with its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_ok(url: str, check: Callable[[bytes], bool] | None = None) -> bool:
    """Does ``url`` answer 200 (and, with ``check``, a body it accepts)?"""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200 and (check is None or check(r.read())))
    except (OSError, ValueError):
        return False


def chroma_heartbeat(port: int) -> bool:
    """Is a Chroma server answering on 127.0.0.1:``port``?"""
    def beat(body: bytes) -> bool:
        return "nanosecond heartbeat" in json.loads(body)

    return http_ok(f"http://127.0.0.1:{port}/api/v2/heartbeat", beat)


def _tail(log: Path | None, chars: int = 2000) -> str:
    if log is None or not log.exists():
        return ""
    return "\n" + log.read_text(encoding="utf-8", errors="replace")[-chars:]


@contextlib.contextmanager
def service(cmd: Sequence[str], ready: Callable[[], bool], *, log: Path | None = None,
            env: Mapping[str, str] | None = None, timeout: float = 90.0,
            cwd: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` until the block ends; enter only once ``ready()`` is true.

    Output goes to ``log`` (or nowhere). Raises :class:`ServiceError` if the process exits first or
    is not ready within ``timeout`` seconds. On exit: terminate, then kill after 30 s.
    """
    out = log.open("wb") if log is not None else None
    proc = subprocess.Popen(list(cmd), stdout=out or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=dict(env if env is not None else os.environ),
                            cwd=cwd)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if proc.poll() is not None:
                raise ServiceError(f"{Path(cmd[0]).name} exited with {proc.returncode}{_tail(log)}")
            if time.monotonic() > deadline:
                raise ServiceError(f"{Path(cmd[0]).name} was not ready within {timeout:.0f} s{_tail(log)}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if out is not None:
            out.close()


@contextlib.contextmanager
def chroma_server(data: Path, *, env: Mapping[str, str] | None = None,
                  timeout: float = 90.0) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``chroma run`` from this venv on a free loopback port, data in ``data``; log beside it."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        raise ServiceError(f"the chroma CLI is not installed in this venv ({chroma})")
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    run_env = {**(env if env is not None else os.environ), "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    cmd = [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data)]
    with service(cmd, lambda: chroma_heartbeat(port), log=data.parent / "server.log", env=run_env,
                 timeout=timeout) as proc:
        yield port, proc
