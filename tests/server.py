"""Starting a real ``footnoted serve`` (uvicorn) process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_server(home: Path, models: Path, *, timeout: float = 120, **settings: str) -> Server:
    """Run ``footnoted serve`` with ``FOOTNOTED_*`` settings and wait until ``/readyz`` says ready.

    ``home`` is the server's own data directory (its default index is the bundled briefing's);
    ``models`` is shared, so the model is exported to ONNX once per test session.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTED_")}
    env.update({"FOOTNOTED_HOME": str(home), "FOOTNOTED_MODEL_CACHE": str(models), "HF_HUB_OFFLINE": "1"})
    env.update({f"FOOTNOTED_{k.upper()}": v for k, v in settings.items()})
    log = home / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "footnoted.cli", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None or "load_failed" in server.logs():
            server.stop()
            raise RuntimeError(f"the server failed to start:\n{server.logs()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not become ready in {timeout} s:\n{server.logs()[-3000:]}")
