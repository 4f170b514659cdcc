from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.config.conftest import child_env, gongdan_argv

POSTGRES = "postgres://nobody@127.0.0.1:9/nothing"


def test_settings_refuse_to_load_outside_the_embedded_shape_without_secret_key(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=child_env(
            tmp_path, DATABASE_URL=POSTGRES, DJANGO_SETTINGS_MODULE="gongdan.config.settings"
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_gongdan_web_without_secret_key_prints_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        gongdan_argv("web", "--port", "9"),
        env=child_env(tmp_path, DATABASE_URL=POSTGRES),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr == (
        "gongdan: error: SECRET_KEY must be set when gongdan runs outside the embedded SQLite "
        "shape.\n"
    )


def test_embedded_shape_generates_a_secret_key_into_the_data_dir(tmp_path: Path) -> None:
    result = subprocess.run(
        gongdan_argv("manage", "check"),
        env=child_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "data" / "secret_key").read_text()) > 40
