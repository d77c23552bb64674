"""A headless Chromium driven over the DevTools protocol, for the HTML report test.

Uses Debian's ``chromium`` (installed by .ci/run when missing): no browser
download, no driver binary. The page is reached through the browser's
remote-debugging websocket (websocket-client), which is all the test needs:
navigate, evaluate JavaScript, watch console messages, exceptions, dialogs
and network requests, take a screenshot, print to PDF, and emulate print
media and colour vision deficiencies.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Optional

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--remote-debugging-port=0", "--remote-allow-origins=*"]


# Elements wider than the viewport, except inside a box that scrolls on its own (a wide table).
OVERFLOW = """(() => { const W = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > W + 0.5 || r.left < -0.5) && !el.closest('.scroll'))
      out.push(el.tagName + '.' + el.className + ': ' + (el.textContent || '').slice(0, 40));
  } return out; })()"""


def pages(pdf: bytes) -> int:
    """The number of pages of a PDF that Chromium printed (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def find_chromium() -> Optional[str]:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One Chromium process with one page; ``close`` ends the process group it started."""

    def __init__(self, binary: str, profile: Path, timeout: float = 30):
        import websocket

        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout))
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout, suppress_origin=True)
        self.events: list = []
        self._id = 0

    def call(self, method: str, **params: Any) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def open(self, url: str, width: int = 1280, height: int = 1600, prelude: str = "") -> None:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        if prelude:  # runs before any page script, whatever the page's CSP says
            self.call("Page.addScriptToEvaluateOnNewDocument", source=prelude)
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, selector: str = "") -> None:
        """The viewport, or the whole element ``selector`` (even beyond the viewport)."""
        params: dict = {"format": "png"}
        if selector:
            box = self.js(f"(r => ({{x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}}))"
                          f"(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
            params.update(clip={**box, "scale": 1}, captureBeyondViewport=True)
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def print_pdf(self) -> bytes:
        """The page printed by Chromium (what --print-to-pdf writes), on the page size its CSS asks for."""
        data = self.call("Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"]
        return base64.b64decode(data)

    def media(self, media: str) -> None:
        """Lay the page out for ``print`` (or back to ``screen`` with "")."""
        self.call("Emulation.setEmulatedMedia", media=media)

    def vision(self, deficiency: str) -> None:
        """Render as someone with ``deficiency`` sees it (deuteranopia, protanopia, ...; none)."""
        self.call("Emulation.setEmulatedVisionDeficiency", type=deficiency)

    def seen(self, method: str) -> list:
        return [e["params"] for e in self.events if e.get("method") == method]

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group this object started, by its id
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
