"""A person at a browser tab of `tradiecore serve`, in a real headless Chromium.

textual-serve's page draws the terminal on a canvas, so what the tab shows is read the way the page got it: a
script in the page keeps every message its websocket receives (and the sizes it asks for), and the test feeds
them to a terminal emulator (pyte) and reads that screen."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pyte

RECORDER = """
(() => {
  const Native = window.WebSocket;
  window.__tc = {frames: []};
  const keep = (item) => window.__tc.frames.push(item);
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      keep({url: String(args[0])});
      this.addEventListener("message", (event) => {
        const data = event.data;
        if (typeof data === "string") { keep({text: data}); return; }
        const bytes = new Uint8Array(data);
        let binary = "";
        for (let i = 0; i < bytes.length; i += 0x8000) {
          binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        }
        keep({data: btoa(binary)});
      });
      this.addEventListener("close", () => keep({closed: true}));
    }
    send(message) {
      if (typeof message === "string" && message.startsWith('["resize"')) keep({resize: JSON.parse(message)[1]});
      return super.send(message);
    }
  };
})();
"""


class BrowserTab:
    def __init__(self, browser, *, viewport=(1100, 700)):
        """A new tab in a browser context of its own (its own cookies: another person)."""
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.context.add_init_script(RECORDER)
        self.page = self.context.new_page()
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.messages: list[list] = []  # the JSON the server sent the page (open_url, deliver_file_start, ...)
        self.closed = False
        self.shots = None  # a folder: a screenshot of the page when a wait fails

    def _drain(self) -> None:
        try:
            items = self.page.evaluate("window.__tc ? window.__tc.frames.splice(0) : []")
        except Exception:  # the page is navigating or closed
            return
        for item in items:
            if "url" in item:
                query = parse_qs(urlsplit(item["url"]).query)
                self.screen.resize(int(query.get("height", ["24"])[0]), int(query.get("width", ["80"])[0]))
                self.closed = False
            elif "resize" in item:
                self.screen.resize(item["resize"]["height"], item["resize"]["width"])
            elif "text" in item:
                self.messages.append(json.loads(item["text"]))
            elif "data" in item:
                self.stream.feed(base64.b64decode(item["data"]))
            elif item.get("closed"):
                self.closed = True

    # -- what the person does -------------------------------------------------------------------------
    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="commit")

    def press(self, *keys: str) -> None:
        self.page.focus(".xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(80)

    def type(self, text: str) -> None:
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.type(text, delay=20)

    # -- what the person sees -------------------------------------------------------------------------
    def text(self) -> str:
        self._drain()
        return "\n".join(line.rstrip() for line in self.screen.display)

    def highlighted(self, marker: str = "INV-") -> str:
        """The line holding ``marker`` whose background differs from every other such line: the cursor's row."""
        self._drain()
        rows: dict[str, list[str]] = {}
        for y, line in enumerate(self.screen.display):
            if (x := line.find(marker)) >= 0:
                rows.setdefault(self.screen.buffer[y][x].bg, []).append(line)
        odd = [lines[0] for lines in rows.values() if len(lines) == 1]
        return odd[0] if len(odd) == 1 and len(rows) > 1 else ""

    def wait_for(self, what, timeout: float = 30.0, describe: str = "") -> str:
        """Wait until ``what`` (a string on screen, or a predicate of the screen's text) holds; the text."""
        check = (lambda text: what in text) if isinstance(what, str) else what
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if check(text):
                return text
            if time.monotonic() > deadline:
                if self.shots:
                    self.page.screenshot(path=str(self.shots / f"waited-{time.monotonic_ns()}.png"))
                raise AssertionError(f"waited {timeout:g} s for {describe or what!r}; the tab shows:\n{text}")
            self.page.wait_for_timeout(100)

    def wait_closed(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not (self.text() and self.closed):
            if time.monotonic() > deadline:
                raise AssertionError("the tab's connection did not close")
            self.page.wait_for_timeout(100)
