"""`tradiecore service --serve`: the systemd unit of `tradiecore serve`, beside the sync service's."""

from __future__ import annotations

from tests.ops.test_service import _parse, _site


def test_the_unit_of_tradiecore_serve(cfg, capsys):
    from tui.ops.service import service

    assert service(_site(cfg), serve=("--port", "8080", "--public-url", "https://office.example.com.au")) == 0
    text = capsys.readouterr().out
    assert text.startswith("# tradiecore-serve.service")
    unit = _parse(text)
    assert unit["Unit"]["Description"] == ["tradiecore in a web browser"]
    assert unit["Service"]["ExecStart"][0].endswith(" serve --port 8080 --public-url https://office.example.com.au")
    assert "NoNewPrivileges=yes" in text and "ProtectSystem=strict" in text


def test_the_sync_unit_is_as_it_was(cfg, capsys):
    from tui.ops.service import service

    assert service(_site(cfg)) == 0
    unit = _parse(capsys.readouterr().out)
    assert unit["Service"]["ExecStart"][0].endswith(" sync") and unit["Unit"]["Description"] == ["tradiecore Xero sync"]
