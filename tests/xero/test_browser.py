from tui.config import Config, XeroConfig
from tui.xero.browser import can_open_browser, is_remote_session, ports_to_forward, ssh_forward_command

SSH = {"SSH_CONNECTION": "203.0.113.5 51000 192.0.2.10 22", "DISPLAY": ":0"}


def test_remote_session_detected():
    assert is_remote_session(SSH)
    assert is_remote_session({"SSH_TTY": "/dev/pts/1"})
    assert not is_remote_session({})


def test_browser_only_when_local_with_a_display():
    assert not can_open_browser(SSH, platform="linux")
    assert not can_open_browser({}, platform="linux")
    assert can_open_browser({"DISPLAY": ":0"}, platform="linux")
    assert can_open_browser({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert can_open_browser({}, platform="darwin")


def test_ssh_command_for_the_callback_port():
    assert ssh_forward_command([8765], user="sam", env=SSH) == "ssh -L 8765:127.0.0.1:8765 sam@192.0.2.10"


def test_ssh_command_forwarding_sandbox_and_callback_on_another_port():
    env = {"SSH_CONNECTION": "203.0.113.5 51000 192.0.2.10 2222"}
    assert (
        ssh_forward_command([41234, 8765], user="sam", env=env)
        == "ssh -L 41234:127.0.0.1:41234 -L 8765:127.0.0.1:8765 -p 2222 sam@192.0.2.10"
    )


def test_ssh_command_host_override_and_duplicates():
    assert ssh_forward_command([8765, 8765], user="sam", host="shop.example", env={}) == (
        "ssh -L 8765:127.0.0.1:8765 sam@shop.example"
    )


def test_ports_to_forward_for_real_xero_and_for_the_demo_sandbox():
    assert ports_to_forward(XeroConfig(redirect_port=8765)) == [8765]
    demo = Config(xero=XeroConfig(redirect_port=8765)).with_xero_base("http://127.0.0.1:41234")
    assert ports_to_forward(demo.xero) == [41234, 8765]
    assert ssh_forward_command(ports_to_forward(demo.xero), user="sam", env=SSH) == (
        "ssh -L 41234:127.0.0.1:41234 -L 8765:127.0.0.1:8765 sam@192.0.2.10"
    )


def test_ssh_host_is_the_configured_name_else_the_sessions_address():
    from tui.xero.browser import ssh_host

    assert ssh_host("shop.example", env=SSH) == "shop.example"
    assert ssh_host("", env=SSH) == "192.0.2.10"
    assert ssh_host("", env={"SSH_TTY": "/dev/pts/1"}) == "SERVER"
