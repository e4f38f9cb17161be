"""gunicorn and HTTP for the benchmark (``bench/run.py``): what a user's request goes through.

- ``Gunicorn``: starts ``gunicorn bench.wsgi:application`` with the repository's ``gunicorn.conf.py``
  (2 x cores + 1 sync workers, 30 s timeout, as in docs/deploy.md) on a loopback port, with the
  environment it is given (production settings), waits until the floor view answers 200, and stops
  it (SIGTERM to the arbiter, then waits). ``workers()`` reads each worker's /proc status: peak RSS
  (VmHWM), RSS, CPU ticks, to find the worker that served a request and its memory.
- ``fetch``: one GET over ``http.client`` with the body read to its last byte (a streamed export
  too); returns status, bytes, newlines, seconds, whether the body was complete.
- ``wrk``: req/s at a given concurrency (``wrk -cN``, Debian's wrk), non-2xx responses counted.

No Django import here: the module runs in any process.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Fetched:
    status: int
    bytes: int
    newlines: int
    seconds: float
    complete: bool
    headers: dict
    body: bytes  # the first 64 KiB only (a refusal's JSON, a job hand-off)


def encode(path: str) -> str:
    """A path with a query as a client sends it: non-ASCII characters percent-encoded (UTF-8)."""
    return quote(path, safe="/?&=%:;,+@-._~")


def fetch(port: int, path: str, *, cookie: str = "", timeout: float = 900) -> Fetched:
    """GET ``path`` from 127.0.0.1:``port``; time from sending the request to the body's last byte."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": f"127.0.0.1:{port}", "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    size = newlines = 0
    head = b""
    complete = True
    started = time.perf_counter()
    try:
        conn.request("GET", encode(path), headers=headers)
        response = conn.getresponse()
        try:
            while block := response.read1(1 << 20):
                size += len(block)
                newlines += block.count(b"\n")
                if len(head) < 65536:
                    head += block[: 65536 - len(head)]
        except (http.client.IncompleteRead, ConnectionError):
            complete = False  # the worker was killed mid-body (gunicorn's timeout) or the socket reset
        seconds = time.perf_counter() - started
        return Fetched(response.status, size, newlines, seconds, complete, dict(response.getheaders()), head)
    finally:
        conn.close()


def wrk(port: int, path: str, *, connections: int, seconds: int, cookie: str = "") -> dict:
    """Requests per second with ``connections`` concurrent clients (wrk, two threads)."""
    if not shutil.which("wrk"):
        return {"error": "wrk not installed (apt-get install -y wrk)"}
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-H", f"Host: 127.0.0.1:{port}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, f"http://127.0.0.1:{port}{encode(path)}"], capture_output=True, text=True,
                         check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(rps.group(1)) if rps else None, "requests": int(total.group(1)) if total else None,
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "socket_errors": errors.group(1) if errors else ""}


def proc_status(pid: int) -> dict:
    """VmHWM and VmRSS (MiB) and CPU ticks (user + system) of one process."""
    out: dict = {"pid": pid}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _sep, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0]) / 1024
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        out["cpu_s"] = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    except (OSError, IndexError, ValueError):
        pass
    return out


class Gunicorn:
    def __init__(self, *, port: int, env: dict, log: Path, extra: dict | None = None):
        self.port = port
        self.env = {**env, **(extra or {}), "GUNICORN_BIND": f"127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"}
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "bench.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
        handle.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                if fetch(self.port, "/__bench__/floor/", timeout=5).status == 200 and len(self.worker_pids()) >= self.expected_workers():
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer within 120 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def expected_workers(self) -> int:
        return int(self.env.get("GUNICORN_WORKERS") or (os.cpu_count() or 1) * 2 + 1)

    def worker_pids(self) -> list[int]:
        assert self.process
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def workers(self) -> dict[int, dict]:
        return {pid: proc_status(pid) for pid in self.worker_pids()}

    def wait_idle(self, *, quiet: float = 0.5, limit: float = 120) -> float:
        """Wait until no worker has used CPU for ``quiet`` seconds (at most ``limit``); the seconds waited."""
        started = time.monotonic()
        last = {pid: s.get("cpu_s") for pid, s in self.workers().items()}
        while time.monotonic() - started < limit:
            time.sleep(quiet)
            now = {pid: s.get("cpu_s") for pid, s in self.workers().items()}
            if now == last:
                break
            last = now
        return time.monotonic() - started

    def arbiter_pid(self) -> int:
        assert self.process
        return self.process.pid


def serving_worker(before: dict[int, dict], after: dict[int, dict]) -> dict | None:
    """The worker that used the most CPU between two ``workers()`` readings (the one that served a lone
    request), with its RSS before and its peak RSS after."""
    best = None
    for pid, now in after.items():
        was = before.get(pid)
        if not was or "cpu_s" not in now or "cpu_s" not in was:
            continue
        used = now["cpu_s"] - was["cpu_s"]
        if best is None or used > best["cpu_s"]:
            best = {"pid": pid, "cpu_s": used, "rss_before_mib": was.get("VmRSS"), "hwm_before_mib": was.get("VmHWM"),
                    "hwm_after_mib": now.get("VmHWM")}
    return best
