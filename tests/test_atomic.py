"""Atomic builds: killed at any moment, the output is the whole previous site or the whole new one."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import GOLDEN_PROJECT, graduate, write_package
from test_cli import tree_hash


def _ontrack(project, output, version):
    # In one language: a third of the build time, so more kills in the same time.
    toml = (GOLDEN_PROJECT / "content" / "site.toml").read_text(encoding="utf-8")
    toml = toml.replace('data_version = "2026.1"', f'data_version = "{version}"')
    toml = re.sub(r"languages = \[.*\]", 'languages = ["en"]', toml)
    (project / "content" / "site.toml").write_text(toml, encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "build", str(project), "--output", str(output)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    """The golden project's content with two programmes' data in place of its own: a build of a few seconds."""
    project = tmp_path_factory.mktemp("atomic") / "project"
    shutil.copytree(GOLDEN_PROJECT / "content", project / "content")
    shutil.copytree(GOLDEN_PROJECT / "datasets" / "reference", project / "datasets" / "reference")
    rows = [graduate(i) for i in range(40)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(40)]
    write_package(project / "datasets" / "graduates", rows)
    return project


def test_killed_builds_never_leave_a_half_site(small_project, tmp_path):
    output = tmp_path / "site"
    hashes = {}
    durations = []
    # A first build fills the project's build cache, so that the builds timed below last as long as the killed
    # ones (which all find the cache): the kills then fall within a build, not mostly after it.
    warm_up = _ontrack(small_project, small_project / "output", "A")
    assert warm_up.wait(timeout=600) == 0, warm_up.stderr.read().decode()
    for version in ("A", "B"):
        started = time.perf_counter()
        build = _ontrack(small_project, output, version)
        assert build.wait(timeout=600) == 0, build.stderr.read().decode()
        durations.append(time.perf_counter() - started)
        hashes[version] = tree_hash(output)
    assert hashes["A"] != hashes["B"]
    rng = random.Random(int(os.environ.get("ONTRACK_KILL_SEED", time.time())))
    for attempt in range(6):
        version = "AB"[attempt % 2]
        build = _ontrack(small_project, output, version)
        time.sleep(rng.uniform(0.2, max(durations) * 1.1))
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
        assert tree_hash(output) in hashes.values(), f"attempt {attempt}: output is neither the old nor the new site"
    # The next build cleans up whatever a killed one left behind, and succeeds.
    build = _ontrack(small_project, output, "A")
    assert build.wait(timeout=600) == 0, build.stderr.read().decode()
    assert tree_hash(output) == hashes["A"]
    assert sorted(p.name for p in output.parent.iterdir() if not p.name.endswith(".lock")) == ["site"]


def test_two_builds_at_once_do_not_mix(small_project, tmp_path):
    output = tmp_path / "site"
    first, second = _ontrack(small_project, output, "A"), _ontrack(small_project, output, "A")
    results = [(p.wait(timeout=600), p.stderr.read().decode()) for p in (first, second)]
    for code, err in results:
        assert code == 0 or (code == 1 and "another ontrack build is writing" in err), err
    assert any(code == 0 for code, _ in results)
    assert (output / "index.html").exists()
