import subprocess
import sys

from tui import __version__
from tui.bench.childenv import child_env, home_dirs


def run_cli(home, *args):
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60,
                          env=child_env(home_dirs(home)))


def test_help_lists_every_subcommand(tmp_path):
    out = run_cli(tmp_path, "--help")
    assert out.returncode == 0
    for command in ("run", "demo", "sandbox", "sync", "--db", "--xero-base", "--version"):
        assert command in out.stdout


def test_version(tmp_path):
    out = run_cli(tmp_path, "--version")
    assert out.stdout.strip() == f"tradiecore {__version__}"


def test_a_bad_config_value_is_reported_not_raised(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "TRADIECORE_CONFIG_DIR": str(tmp_path), "TRADIECORE_DATA_DIR": str(tmp_path),
           "TRADIECORE_SITE_DIR": str(tmp_path / "site"), "TRADIECORE_MAIL_PORT": "many"}
    out = subprocess.run([sys.executable, "-m", "tui", "sync", "--once"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 2
    assert "TRADIECORE_MAIL_PORT: 'many' is not a whole number" in out.stderr
