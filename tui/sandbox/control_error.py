"""The one error of the control API (:mod:`tui.sandbox.control`): an action the sandbox refused."""


class ControlError(Exception):
    """A control action the sandbox refused."""
