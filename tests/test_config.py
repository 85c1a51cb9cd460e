from __future__ import annotations

import subprocess
import sys

import pytest

from signalen_lib.config import ConfigError, load_config


def test_defaults_resolve_paths_under_project(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNALEN_HOME", str(tmp_path))
    s = load_config(None)
    assert s.data_dir == tmp_path / "data"
    assert s.shared_url == f"duckdb:///{tmp_path / 'data' / 'signalen.duckdb'}"
    assert s.restricted_zone_url.endswith("restricted.duckdb")


def test_yaml_and_env_override_in_order(tmp_path, monkeypatch):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("min_cell_size: 9\nn_topics: 12\n")
    monkeypatch.setenv("SIGNALEN_N_TOPICS", "20")
    s = load_config(cfg)
    assert s.min_cell_size == 9 and s.n_topics == 20


def test_unknown_key_in_file_is_named(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("min_cel_size: 3\n")
    with pytest.raises(ConfigError, match="min_cel_size"):
        load_config(cfg)


def test_bad_value_and_bad_url_are_named(tmp_path):
    with pytest.raises(ConfigError, match="min_cell_size"):
        load_config(None, min_cell_size="veel")
    with pytest.raises(ConfigError, match="database_url"):
        load_config(None, database_url="mysql://x")


def test_postgres_shared_zone_gets_restricted_schema():
    s = load_config(None, database_url="postgresql://postgres@127.0.0.1:5432/test")
    assert s.restricted_zone_url.endswith("schema=restricted")


@pytest.mark.parametrize(
    "env, expected",
    [({"SIGNALEN_DASHBOARD_PORTT": "1"}, "dashboard_portt"), ({"SIGNALEN_DATABASE_URL": "oracle://x"}, "database_url")],
)
def test_cli_prints_one_line_error_without_traceback(env, expected, tmp_path):
    import os

    proc = subprocess.run(
        [sys.executable, "-m", "signalen_lib.cli", "config"],
        capture_output=True, text=True, env={**os.environ, **env}, cwd=tmp_path,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in proc.stderr
