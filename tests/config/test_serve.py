from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.config.conftest import child_env, copy_database, free_port, gongdan_argv


def http_status(url: str, *, timeout: float = 30) -> int | None:
    # A server that is not listening refuses at once (None); the long timeout only spares a
    # slow first answer on a loaded machine, which is not what these tests are about.
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_serve_migrates_answers_http_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            gongdan_argv("serve", "--port", str(port), "-v", "0"),
            env=child_env(tmp_path / "data"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline, status = time.monotonic() + 180, None
            while time.monotonic() < deadline and status is None and proc.poll() is None:
                time.sleep(0.3)
                status = http_status(f"http://127.0.0.1:{port}/accounts/login/")
            assert status is not None and status < 500, log.read_text()
            assert (tmp_path / "data" / "gongdan.db").exists()

            proc.send_signal(signal.SIGTERM)
            exit_code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    output = log.read_text()
    assert exit_code == 0, output
    assert "gongdan: stopped." in output
    pids = [int(p) for p in re.findall(r"started (?:web|worker) \(pid (\d+)\)", output)]
    assert len(pids) == 2
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid)
    assert http_status(f"http://127.0.0.1:{port}/") is None


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_serve_stops_the_other_process_and_fails_when_one_dies(
    tmp_path: Path, sqlite_template: Path
) -> None:
    copy_database(sqlite_template, tmp_path / "data")  # migrated already: starts at once
    port = free_port()
    proc = subprocess.Popen(
        gongdan_argv("serve", "--port", str(port), "-v", "0"),
        env=child_env(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    try:
        pids = []
        for line in proc.stdout:
            pids += [int(p) for p in re.findall(r"started worker \(pid (\d+)\)", line)]
            if pids:
                break
        os.kill(pids[0], signal.SIGKILL)
        exit_code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert exit_code != 0


def test_serve_announces_its_url_only_once_the_url_answers(tmp_path: Path) -> None:
    """The demo printed "serving http://…" before the web server listened: a browser opened at
    once got "connection refused"."""
    port = free_port()
    proc = subprocess.Popen(
        gongdan_argv("serve", "--port", str(port), "-v", "0"),
        env=child_env(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    try:
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if line.startswith("gongdan: serving "):
                break
        # The moment the URL is printed, it answers.
        status = http_status(f"http://127.0.0.1:{port}/accounts/login/")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen[-1].startswith(f"gongdan: serving http://127.0.0.1:{port}/"), seen
    assert status == 200
