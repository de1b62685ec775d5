"""Business details: what a tax invoice shows about the business, and how prices are entered.

Validation is the domain's (``BusinessDetails.validated``, via ``Services.save_business``): its messages appear
under each field, and nothing is saved until every field is right.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from tui.domain.business import BusinessDetails, parse_terms
from tui.domain.errors import ValidationError
from tui.screens.base import BaseScreen
from tui.widgets.field_checks import FieldChecks
from tui.widgets.header import AppHeader
from tui.widgets.records import RecordsChanged

AUSTRALIAN_TIME_ZONES = [
    "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Adelaide", "Australia/Darwin",
    "Australia/Perth", "Australia/Hobart", "Australia/Lord_Howe", "Australia/Broken_Hill", "Australia/Eucla",
]

GST_CHOICES = [("No: prices are entered before GST", False), ("Yes: prices include GST", True)]

#: field name (as in BusinessDetails and ValidationError.errors) -> label
FIELDS = {
    "name": "Business name",
    "abn": "ABN",
    "address": "Address",
    "email": "Email",
    "phone": "Phone",
    "prices_include_gst": "Prices include GST",
    "payment_terms_days": "Payment terms (days)",
    "time_zone": "Time zone",
}


class BusinessScreen(BaseScreen):
    TITLE = "Business details"
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="save", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.details: BusinessDetails | None = None
        self.checks = FieldChecks(lambda box: box.id if box.id in FIELDS else None, self.problems,
                                  self._show_field, self._shown)

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE)
        with VerticalScroll(id="business-form", classes="form"):
            yield Static("Business details", classes="screen-heading")
            yield Static("Shown on every tax invoice. Ctrl+S saves.", classes="hint")
            for name, label in FIELDS.items():
                with Horizontal(classes="field", id=f"field-{name}"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-body"):
                        yield self._control(name)
                        yield Static("", id=f"error-{name}", classes="field-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
        yield Footer()

    @staticmethod
    def _control(name: str):
        if name == "prices_include_gst":
            return Select(GST_CHOICES, allow_blank=False, value=False, id=name, compact=True)
        if name == "time_zone":
            return Select([(z, z) for z in AUSTRALIAN_TIME_ZONES], allow_blank=False,
                          value=AUSTRALIAN_TIME_ZONES[0], id=name, compact=True)
        if name == "payment_terms_days":
            return Input(id=name, compact=True, restrict=r"[0-9]*", max_length=3)
        return Input(id=name, compact=True)

    def on_mount(self) -> None:
        self.query_one("#business-form").loading = True
        self.blocking(self.services.business, on_done=self._loaded, group="business")

    def _loaded(self, details: BusinessDetails) -> None:
        self.fill(details)
        self.query_one("#name", Input).focus()

    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        """Another session saved the business details: shown here unless something is typed and not saved."""
        if message.touches("business") and getattr(self, "details", None) is not None:
            self.follow_up(self.services.business, on_done=self._follow)

    def _follow(self, details: BusinessDetails) -> None:
        if details == self.details:
            return
        typed, _errors = self.form_values()
        if typed is None or typed != self.details:
            self.notify("The business details were changed in another session; what you typed is kept until you "
                        "save it or leave.", title="Business details", severity="warning", timeout=8)
            return
        self.fill(details)

    def fill(self, details: BusinessDetails) -> None:
        self.details = details
        for name in ("name", "abn", "address", "email", "phone"):
            self.query_one(f"#{name}", Input).value = getattr(details, name)
        self.query_one("#payment_terms_days", Input).value = str(details.payment_terms_days)
        self.query_one("#prices_include_gst", Select).value = details.prices_include_gst
        zone = self.query_one("#time_zone", Select)
        if details.time_zone not in AUSTRALIAN_TIME_ZONES:
            zone.set_options([(z, z) for z in [details.time_zone, *AUSTRALIAN_TIME_ZONES]])
        zone.value = details.time_zone
        self.query_one("#business-form").loading = False

    # -- errors under the fields ----------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            self._show_field(name, errors.get(name, ""))
        self.checks.refused(errors, lambda name: w.value if name in FIELDS and isinstance(
            w := self.query_one(f"#{name}"), Input) else None)
        unknown = {k: v for k, v in errors.items() if k not in FIELDS}
        if unknown:
            self.notify("; ".join(unknown.values()), severity="error")
        first = next((name for name in FIELDS if name in errors), None)
        if first:
            self.query_one(f"#{first}").focus()

    def _show_field(self, name: str, message: str) -> None:
        error = self.query_one(f"#error-{name}", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")
        self.query_one(f"#field-{name}").set_class(bool(message), "-invalid")

    def _shown(self, name: str) -> str:
        error = self.query_one(f"#error-{name}", Static)
        return str(error.render()) if error.has_class("-shown") else ""

    # -- checking as people type ----------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """The message for each field as typed now: what does not read, else the domain's rules."""
        details, errors = self.form_values()
        try:
            details.validated()
        except ValidationError as exc:
            return exc.errors | errors
        return errors

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.checks.left(event.input)

    # -- saving ---------------------------------------------------------------------------------------
    def form_values(self) -> tuple[BusinessDetails, dict[str, str]]:
        """What the form says, with a message for each field that cannot even be read (the days of payment
        terms; read as 0 meanwhile)."""
        text = {name: self.query_one(f"#{name}", Input).value for name in ("name", "abn", "address", "email", "phone")}
        errors: dict[str, str] = {}
        try:
            terms = parse_terms(self.query_one("#payment_terms_days", Input).value)
        except ValueError as exc:
            terms, errors = 0, {"payment_terms_days": str(exc)}
        return BusinessDetails(
            **text,
            prices_include_gst=bool(self.query_one("#prices_include_gst", Select).value),
            payment_terms_days=terms,
            time_zone=str(self.query_one("#time_zone", Select).value),
        ), errors

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.action_save()

    def action_save(self) -> None:
        if self.details is None:  # still loading
            return
        details, _ = self.form_values()
        errors = self.problems()
        if errors:
            self.show_errors(errors)
            self.notify("Not saved: fix the marked fields", severity="error")
            return
        self.blocking(self.services.save_business, details, on_done=self.saved, on_error=self.save_failed,
                      group="save")

    def saved(self, details: BusinessDetails) -> None:
        self.show_errors({})
        self.fill(details)
        self.notify("Business details saved", title="Saved")

    def save_failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            self.notify("Not saved: fix the marked fields", severity="error")
        else:
            self.show_error(exc)
