"""The site config: defaults, every problem at once, and every option documented."""

from __future__ import annotations

import pytest

from generator.config import Config, documented_options, load_config
from generator.errors import InputError

from conftest import REPO


def _write(tmp_path, text):
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / "content" / "site.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults_when_there_is_no_config(tmp_path):
    config = load_config(tmp_path)
    assert config == Config()
    assert (config.disclosure.rounding_base, config.disclosure.min_base, config.disclosure.min_n_statistic) == (5, 25, 30)


def test_every_problem_is_reported_at_once(tmp_path):
    project = _write(tmp_path, '[site]\ntitle = 3\nmystery = 1\n[disclosure]\nmin_base = 0\ngroup_rule = "yes"\n[extra]\n')
    with pytest.raises(InputError) as info:
        load_config(project)
    found = {(p.field, p.code) for p in info.value.problems}
    assert found == {("extra", "unknown-section"), ("site.mystery", "unknown-option"), ("site.title", "type"),
                     ("disclosure.min_base", "type"), ("disclosure.group_rule", "type")}


def test_broken_toml_names_the_line(tmp_path):
    project = _write(tmp_path, "[site]\ntitle = \n")
    with pytest.raises(InputError) as info:
        load_config(project)
    assert [(p.file, p.row, p.code) for p in info.value.problems] == [("content/site.toml", 2, "toml")]


def test_the_repository_config_loads():
    assert load_config(REPO).site.data_version


def test_every_option_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in documented_options() if f"`{name}`" not in readme]
    assert not missing, f"options missing from README.md: {missing}"
