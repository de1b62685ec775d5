"""Customer editor: name, first and last name, email, phone, street and postal address; each field's message
appears as it is left and goes once it reads right; Ctrl+S saves and goes back (refused: the messages at their
fields, the focus on the first)."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from tui.domain.customer import Customer
from tui.domain.errors import ValidationError
from tui.screens.base import EditorScreen
from tui.store.errors import ConflictError, DuplicateError
from tui.store.versioned import local_hhmm
from tui.widgets.field_checks import FieldChecks
from tui.widgets.field_error import Banner, FieldError
from tui.widgets.header import AppHeader
from tui.widgets.records import RecordsChanged

FIELDS = (
    ("name", "Name", "Customer or business name"),
    ("first_name", "First name", "The person to deal with"),
    ("last_name", "Last name", ""),
    ("email", "Email", "Where invoices are sent"),
    ("phone", "Phone", "e.g. 0412 555 018"),
    ("address", "Street address", "Street, suburb, state, postcode"),
    ("postal_address", "Postal address", "PO Box or street, suburb, state, postcode"),
)


class CustomerEditorScreen(EditorScreen):
    """Dismisses with the saved Customer, or None when left without saving."""

    DISCARD_QUESTION = "Discard your changes to this customer?"

    DEFAULT_CSS = """
    CustomerEditorScreen Banner { margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
    ]

    def __init__(self, customer_id: int | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.customer = Customer(name="")
        self._clean: tuple[str, ...] | None = None
        self.saving = False
        self.checks = FieldChecks(self._key_of, self.problems, self._show_field,
                                  lambda key: self.query_one(f"#e-{key}", FieldError).message)
        self.title = "New customer" if customer_id is None else "Edit customer"

    def compose(self) -> ComposeResult:
        yield AppHeader(self.title)
        with VerticalScroll(id="form", classes="form"):
            yield Static(self.title, id="heading", classes="screen-heading", markup=False)
            yield Static("Ctrl+S saves; Escape goes back.", classes="hint")
            yield Banner(id="banner")
            for field, label, placeholder in FIELDS:
                with Horizontal(classes="field", id=f"field-{field}"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-body"):
                        yield Input(placeholder=placeholder, id=f"f-{field}", compact=True,
                                    disabled=self.customer_id is not None)
                        yield FieldError(id=f"e-{field}", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        if self.customer_id is None:
            self._loaded(self.customer)
        else:
            self.blocking(self.services.customer, self.customer_id, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, customer: Customer) -> None:
        self.customer = customer
        if customer.id is not None:
            self.query_one("#heading", Static).update(f"{self.title}: {customer.name}")
        for field, _, _ in FIELDS:
            box = self.query_one(f"#f-{field}", Input)
            box.value = getattr(customer, field)
            box.disabled = False
        self.query_one("#f-name", Input).focus()
        self._clean = self.values()

    def _failed(self, exc: Exception) -> None:
        self.query_one(Banner).show(str(exc))

    # -- another session saved this customer meanwhile ------------------------------------------------------
    @on(RecordsChanged)
    def _records_changed(self, message: RecordsChanged) -> None:
        if self.customer.id is not None and self._clean is not None and not self.saving \
                and message.touches("customer", self.customer.id):
            self.follow_up(self._fetch_newer, self.customer.id, on_done=self._follow, on_error=self._failed)

    def _fetch_newer(self, customer_id: int):
        customer, by, at = self.services.customer_last_change(customer_id)
        return customer, by, at, self.services.business().time_zone

    def _follow(self, newer) -> None:
        customer, by, at, time_zone = newer
        if customer.version <= self.customer.version or self._clean is None:
            return
        if not self.dirty:
            self._loaded(customer)
            return
        self.query_one(Banner).show(
            f"This customer was changed by {by or 'someone else'} at {local_hhmm(at, time_zone)} while you were "
            "editing: your changes are kept here, but saving them is refused until you open it again.")

    def values(self) -> tuple[str, ...]:
        return tuple(self.query_one(f"#f-{field}", Input).value for field, _, _ in FIELDS)

    @property
    def dirty(self) -> bool:
        return self._clean is not None and self.values() != self._clean

    def edited(self) -> Customer:
        return replace(self.customer, **dict(zip((f for f, _, _ in FIELDS), self.values())))

    # -- checking as people type ------------------------------------------------------------------------------
    @staticmethod
    def _key_of(box: Input) -> str | None:
        return box.id[2:] if box.id and box.id.startswith("f-") else None

    def problems(self) -> dict[str, str]:
        """The domain's message for each field as typed now."""
        try:
            self.edited().validated()
        except ValidationError as exc:
            return exc.errors
        return {}

    def _show_field(self, field: str, message: str) -> None:
        self.query_one(f"#e-{field}", FieldError).show(message)
        self.query_one(f"#field-{field}").set_class(bool(message), "-invalid")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checks.changed(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.checks.left(event.input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def action_save(self) -> None:
        if self._clean is None or self.saving:
            return
        self.saving = True
        self.show_errors({})
        self.blocking(self.services.save_customer, self.edited(), on_done=self._saved, on_error=self._save_failed)

    def _saved(self, customer: Customer) -> None:
        self.saving = False
        self.notify(f"Saved {customer.name}", title="Customer saved")
        self._clean = None
        self.dismiss(customer)

    def _save_failed(self, exc: Exception) -> None:
        self.saving = False
        if isinstance(exc, (ValidationError, DuplicateError)):
            errors = exc.errors if isinstance(exc, ValidationError) else {exc.field: str(exc)}
            self.show_errors(errors)
            self.checks.refused(errors, lambda key: self.query_one(f"#f-{key}", Input).value
                                if key in {f for f, _, _ in FIELDS} else None)
        elif isinstance(exc, ConflictError):
            self.query_one(Banner).show(str(exc))
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
        else:
            self.show_error(exc)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.query_one(Banner).show("")
        first = None
        for field, _, _ in FIELDS:
            message = errors.get(field, "")
            self._show_field(field, message)
            if message and first is None:
                first = field
        unplaced = [m for f, m in errors.items() if f not in {f for f, _, _ in FIELDS}]
        if unplaced:
            self.query_one(Banner).show("\n".join(unplaced))
        if first is not None:
            self.query_one(f"#f-{first}", Input).focus()

