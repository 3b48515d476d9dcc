"""cstool.services.parallel_parse: the forked parser never outlives the import it serves. Killed
or interrupted, the import leaves no parser running (which would keep a cron pipeline's stderr
open for ever), prints no traceback from the child, and says that nothing was written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cstool.services.imports import PARALLEL_BYTES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    paths = generate(200_000, tmp_path_factory.mktemp("big"), events=False)  # (seconds of work to interrupt)
    assert paths["tickets"].stat().st_size > PARALLEL_BYTES  # parsed in the forked child
    return paths["tickets"]


def _children(pid: int) -> list[int]:
    kids = []
    for task in os.listdir(f"/proc/{pid}/task"):
        kids += [int(x) for x in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return kids


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _start(tmp_path: Path, export: Path) -> tuple[subprocess.Popen, list[int]]:
    process = subprocess.Popen([sys.executable, "-m", "cstool", "--db", str(tmp_path / "k.db"), "import", "tickets",
                                str(export)], stderr=subprocess.PIPE, start_new_session=True, cwd=tmp_path)
    for _ in range(200):
        time.sleep(0.02)
        if kids := _children(process.pid):
            time.sleep(0.1)  # well into the file, far from its end
            return process, kids
    process.kill()
    pytest.fail("the import started no parser process")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the child")
def test_a_killed_import_leaves_no_parser_behind(tmp_path, big_export):
    process, kids = _start(tmp_path, big_export)
    process.kill()
    _, err = process.communicate(timeout=20)  # returns only when no process holds stderr any more
    deadline = time.monotonic() + 5
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(k) for k in kids)
    assert b"Traceback" not in err


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the child")
def test_ctrl_c_says_nothing_was_written_in_one_line(tmp_path, big_export):
    process, kids = _start(tmp_path, big_export)
    os.killpg(process.pid, signal.SIGINT)   # what a terminal sends to the whole foreground group
    _, err = process.communicate(timeout=20)
    text = err.decode()
    assert process.returncode == 130
    assert text.strip().splitlines() == [f"cstool: interrupted: nothing of {big_export} was written"]
    assert not any(_alive(k) for k in kids)
    assert not (tmp_path / "k.db").exists()  # (a store made for this import and left empty is removed)
