"""The app's machinery that is neither a screen nor a widget: the background sync passes
(:mod:`.sync_scheduler`), the thread that follows every commit (:mod:`.change_watcher`) and the command palette's
destinations (:mod:`.commands`)."""
