"""Settings → Numbers: the credit notes' prefix set from the keyboard. A prefix that cannot number credit notes
(the invoices' INV-, digits at the end, too long) is refused at its field and nothing is saved; a good one is saved
and numbers the next credit note sent; a prefix saved in another session shows here."""

from __future__ import annotations

from tests.connect.helpers import wait_for
from tests.tui.screen_harness import ScreenApp, text_of, type_into

from tui.domain.credit import LinePick
from tui.screens.settings.numbers import NumbersScreen

SENT = 1  # demo data: INV-0101, sent, nothing paid


def flat(text: str) -> str:
    return " ".join(text.split())


async def loaded(pilot, next_number: str) -> NumbersScreen:
    app = pilot.app
    return await wait_for(pilot, lambda: isinstance(app.screen, NumbersScreen) and app.screen.prefix is not None
                          and next_number in text_of(app.screen.query_one("#next-number")) and app.screen,
                          what=f"Numbers showing the next credit note {next_number}")


def error_of(screen) -> str:
    return text_of(screen.query_one("#error-prefix"))


async def test_a_bad_prefix_is_refused_at_its_field_and_nothing_is_saved(demo_services):
    app = ScreenApp(demo_services, NumbersScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot, "CN-0001")
        assert screen.query_one("#prefix").value == "CN-"
        for typed, message in [("INV-", "INV- numbers invoices: choose another prefix for credit notes"),
                               ("CN1", "Start with a letter; use letters and digits, ending with a letter or one "
                                       "of - / _ (like CN-)"),
                               ("", "Enter a prefix, like CN-")]:
            await type_into(pilot, "#prefix", typed)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: error_of(screen) == message, what=f"the message for {typed!r}")
            assert screen.query_one("#field-prefix").has_class("-invalid")
            assert demo_services.credit_note_prefix() == "CN-"
        await type_into(pilot, "#prefix", "ADJ-")  # what is typed reads right: the message goes at once
        assert error_of(screen) == ""
    assert demo_services.credit_note_prefix() == "CN-"


async def test_a_saved_prefix_numbers_the_next_credit_note(demo_services):
    app = ScreenApp(demo_services, NumbersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await loaded(pilot, "CN-0001")
        await type_into(pilot, "#prefix", "ADJ-")
        await pilot.press("ctrl+s")
        await loaded(pilot, "ADJ-0001")
        assert error_of(screen) == ""
        assert flat(text_of(screen.query_one("#next-number"))) == "The next credit note will be ADJ-0001."
    assert demo_services.credit_note_prefix() == "ADJ-"
    note = demo_services.save_credit_note(demo_services.credit_note_from_invoice(SENT, [LinePick(0)]))
    demo_services.send_credit_note(note)
    assert demo_services.credit_note(note.id).number == "ADJ-0001"


async def test_a_prefix_saved_in_another_session_shows_here(demo_services):
    app = ScreenApp(demo_services, NumbersScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await loaded(pilot, "CN-0001")
        demo_services.set_credit_note_prefix("RF-")  # as another session would: the change feed brings it
        await loaded(pilot, "RF-0001")
        assert screen.query_one("#prefix").value == "RF-"
