"""The sandbox of ``python -m tui.bench sync`` in a child process, and the calls its counters hold."""

from __future__ import annotations

import subprocess
import sys

import httpx

REAL_MINUTE_LIMIT = 60  # Xero's calls a minute for one organisation: what the counts are projected to


def _die_with_parent() -> None:
    """Linux: the sandbox child gets SIGTERM if the benchmark dies, so no server is left behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Sandbox:
    """``tradiecore sandbox --control`` in a child process (so its work never competes with ours for the GIL)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "sandbox", "--control", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, preexec_fn=_die_with_parent,
        )
        self.info: dict[str, str] = {}
        while len(self.info) < 6:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the sandbox did not start")
            key, _, value = line.strip().partition(": ")
            self.info[key] = value
        self.base_url = self.info["base_url"]
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    def control(self, method: str, path: str, body: dict | None = None):
        r = self.http.request(method, f"/_sandbox/{path}", json=body)
        r.raise_for_status()
        return r.json()

    def counters(self) -> dict:
        return self.control("GET", "counters")

    def reset(self) -> None:
        self.control("POST", "counters/reset")

    def close(self) -> None:
        self.http.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def total(counters: dict) -> int:
    """All the API calls the counters hold."""
    return sum(counters.get("requests", {}).values())


def print_counters(title: str, counters: dict) -> None:
    """The calls by endpoint under ``title``, then the token requests (which are not API calls)."""
    print(f"\n{title}")
    for key, n in sorted(counters.get("requests", {}).items()):
        print(f"  {key:<44} {n:>6}")
    tokens = counters.get("token_requests", {})
    if tokens:
        print("  token requests (not API calls): " + ", ".join(f"{k} {v}" for k, v in sorted(tokens.items())))
