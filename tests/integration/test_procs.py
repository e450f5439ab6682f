"""The service-process helper: ready when the probe says so, a clear error otherwise, always stopped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from evals.bench.procs import ServiceError, free_port, http_ok, service


def test_a_server_is_ready_then_stopped(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)]
    with service(cmd, lambda: http_ok(url), log=tmp_path / "server.log", timeout=30) as proc:
        assert http_ok(url)
    assert proc.poll() is not None  # stopped on exit
    assert not http_ok(url)


def test_a_process_that_exits_is_an_error_with_its_log(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "import sys; print('cannot start: no config'); sys.exit(3)"]
    with (pytest.raises(ServiceError, match=r"exited with 3[\s\S]*cannot start: no config"),
          service(cmd, lambda: False, log=tmp_path / "x.log", timeout=30)):
        pass


def test_a_process_that_never_gets_ready_times_out_and_is_stopped(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "import time; time.sleep(60)"]
    with pytest.raises(ServiceError, match="not ready within 1 s"), service(cmd, lambda: False, timeout=1):
        pass
