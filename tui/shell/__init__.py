"""The app's machinery that is neither a screen nor a widget: the background sync passes
(:mod:`.sync_scheduler`; one pass, :mod:`.sync_pass`; the session's sync process that runs them,
:mod:`.sync_process` and :mod:`.sync_child`), the thread that follows every commit (:mod:`.change_watcher`) and
the command palette's destinations (:mod:`.commands`)."""
