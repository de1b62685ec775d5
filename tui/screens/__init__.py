"""The app's screens, grouped by what the user is doing: invoices/, customers/, payments/, xero/ (connecting and
the revenue accounts), sync/ (its status, conflicts and the first sync's review), settings/; To Do, Help and the
screens' shared base at the top. Screens show and ask; what they do is :class:`tui.services.Services`'."""
