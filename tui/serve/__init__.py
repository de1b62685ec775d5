"""``tradiecore serve``: the app in a web browser, each tab its own app process, through Textualize's
``textual-serve``, with what it lacks for a business's books: sign-in links and session cookies (:mod:`.access`),
a guard on every route, the websocket's Origin and downloads, a clean environment for each tab's process, a cap
on tabs and an idle timeout (:mod:`.tabs`, :mod:`.server`); :mod:`.command` is the command line's side."""
