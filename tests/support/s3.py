"""A real S3-compatible server for the test session: moto's standalone server on a loopback port.

`MotoServer.start()` runs `moto_server -H 127.0.0.1 -p PORT` (what s3fs's own suite does) and
waits until it answers; `stop()` ends it by its PID. `environment()` is what a client needs:
dummy keys and `AWS_ENDPOINT_URL`, which boto3 and s3fs read, so the code under test gets its
endpoint and credentials from the environment exactly as it would in production.
`s3_server` (session) and `s3_root` (a fresh bucket per test, exported as the artifact root
with the environment) are the fixtures; import them into a test module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .ports import free_port
from .session_servers import serve_for_session

ROOT_ENV = "JUPYTER_MLOPS_ARTIFACT_ROOT"


def missing_reason() -> str | None:
    """Why no moto server can start here, or None."""
    if _moto_command() is None:
        return "moto[server] is not installed (pip install 'moto[server]')"
    try:
        import s3fs  # noqa: F401
    except ImportError:
        return "s3fs is not installed (pip install 'jupyter-mlops[s3]')"
    return None


def _moto_command() -> list[str] | None:
    script = Path(sys.executable).with_name("moto_server")
    if script.exists():
        return [str(script)]
    found = shutil.which("moto_server")
    return [found] if found else None


class MotoServer:
    """moto's standalone S3 server on 127.0.0.1, stopped by PID."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkdtemp(prefix="mlops-moto-")) / "moto.log"

    def start(self) -> MotoServer:
        """Start the server and wait (at most 60 s) until it answers HTTP."""
        command = _moto_command()
        assert command is not None
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server did not answer on {self.url}")

    def stop(self) -> None:
        """Terminate the server by its PID (kill after 10 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def environment(self) -> dict[str, str]:
        """What boto3 and s3fs read to reach this server (dummy keys: moto checks none)."""
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.url,
        }

    def create_bucket(self) -> str:
        """A new empty bucket's name."""
        import boto3

        name = f"mlops-{uuid.uuid4().hex[:12]}"
        client = boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=name)
        return name


@pytest.fixture(scope="session")
def s3_server() -> Iterator[MotoServer]:
    """moto's standalone server for the session; skips saying why when it cannot run (fails
    under `CI`)."""
    yield from serve_for_session(MotoServer(), missing_reason(), "S3", "moto_server")


@pytest.fixture
def s3_root(s3_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`s3://<fresh bucket>/mlops`, exported as the artifact root with the server's environment
    (subprocesses inherit both); fsspec's instance cache is cleared around the test."""
    import fsspec

    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    root = f"s3://{s3_server.create_bucket()}/mlops"
    monkeypatch.setenv(ROOT_ENV, root)
    fsspec.AbstractFileSystem.clear_instance_cache()
    yield root
    fsspec.AbstractFileSystem.clear_instance_cache()
