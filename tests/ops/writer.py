"""A process that keeps writing: one invoice a transaction, as the app saves them, printing each number once it
is committed; stops when its standard input closes. `python -m tests.ops.writer` with TRADIECORE_* dirs set."""

from __future__ import annotations

import sys
import threading
from decimal import Decimal


def main() -> None:
    from tui import config
    from tui.domain.customer import Customer
    from tui.domain.invoice import LineItem, RevenueCategory
    from tui.services import Services

    services = Services(config.load())
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    customer = services.save_customer(Customer("Writer & Sons", "writer@example.com"))
    n = 0
    while not stop.is_set():
        n += 1
        inv = services.new_invoice(customer.id)
        inv.lines = [LineItem(f"Job {n}", Decimal("1"), Decimal("95.00"), RevenueCategory.LABOUR)]
        inv.number = f"W-{n:05d}"
        services.save_invoice(inv)
        print(inv.number, flush=True)
    services.close()


if __name__ == "__main__":
    main()
