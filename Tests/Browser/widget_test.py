#!/usr/bin/env python3
"""Drives the web chat widget in headless Chromium through the DevTools protocol.

Starts `.build/debug/opastin serve --tcp 127.0.0.1:0 --web 127.0.0.1:0`, opens the widget page
in `chromium --headless=new`, has a Finnish, an Arabic and a (romanised) Russian conversation,
clicks an option button, and takes screenshots (LTR and RTL, 1280x800 and 360x740) into
Tests/Browser/screenshots/. Standard library only; the DevTools WebSocket is spoken by hand.

Run from the package root after `swift build`:  python3 Tests/Browser/widget_test.py
Prints `N passed, 0 failed` and exits 0 on success.
"""
import base64
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, ".build", "debug", "opastin")
SHOTS = os.path.join(ROOT, "Tests", "Browser", "screenshots")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WHOLE_RUN_SECONDS = 85


class Timeout(Exception):
    pass


class WebSocket:
    """A minimal RFC 6455 client: masked text frames out, (possibly fragmented) frames in."""

    def __init__(self, url, timeout=15):
        assert url.startswith("ws://")
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the WebSocket handshake")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError("WebSocket upgrade refused: " + head.decode(errors="replace"))

    def send_text(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("the DevTools socket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive_text(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, fin = b0 & 0x0F, b0 & 0x80
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("the DevTools socket was closed")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if fin:
                return message.decode()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class DevTools:
    def __init__(self, url):
        self.ws = WebSocket(url)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        call_id = self.next_id
        self.ws.send_text(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive_text())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, seconds=15, what=None):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise Timeout(f"timed out waiting for {what or expression}")


def start_server():
    server = subprocess.Popen(
        [BINARY, "serve", "--tcp", "127.0.0.1:0", "--web", "127.0.0.1:0", "--idle-timeout", "60"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ready, _, _ = select.select([server.stdout], [], [], 30)
    if not ready:
        raise Timeout("the server printed no ready line in 30 s")
    line = server.stdout.readline().decode().strip()
    web = [part for part in line.split() if part.startswith("web=")]
    if not web:
        raise RuntimeError(f"no web address in the ready line: {line!r}")
    return server, web[0][len("web="):]


def start_chromium(profile):
    chromium = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
         "--disable-background-networking", "--disable-sync", "--window-size=1280,800", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            lines = open(port_file).read().split("\n")
            if len(lines) >= 2 and lines[0].strip():
                return chromium, int(lines[0]), lines[1].strip()
        if chromium.poll() is not None:
            raise RuntimeError(f"chromium exited with status {chromium.returncode}")
        time.sleep(0.1)
    raise Timeout("chromium wrote no DevToolsActivePort in 30 s")


def new_page(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["webSocketDebuggerUrl"]


class Checks:
    def __init__(self):
        self.passed, self.failures = 0, []

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failures.append(f"{name}: {detail}")
            print(f"FAIL {name}: {detail}")


LAST_BOT = "document.querySelector('#opastin-messages li.opastin-message-bot:last-of-type')"
BOT_COUNT = "document.querySelectorAll('#opastin-messages li.opastin-message-bot').length"


def send_question(page, text):
    """Types the question into the input and presses Enter; returns the new reply bubble's facts."""
    before = page.evaluate(BOT_COUNT)
    page.evaluate("document.getElementById('opastin-input').focus()")
    page.call("Input.insertText", text=text)
    for kind in ("keyDown", "keyUp"):
        page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                  windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown" else {}))
    page.wait_for(f"{BOT_COUNT} > {before}", what="a reply bubble")
    return last_reply(page)


def last_reply(page):
    return page.evaluate(f"""(() => {{ const b = {LAST_BOT}; return {{
        text: b.innerText, kind: b.dataset.kind || '', lang: b.getAttribute('lang'), dirAttr: b.getAttribute('dir'),
        direction: getComputedStyle(b).direction,
        widgetDirection: getComputedStyle(document.getElementById('opastin')).direction,
        options: b.querySelectorAll('button.opastin-option').length }}; }})()""")


def pick_language(page, lang):
    page.evaluate(f"""(() => {{ const s = document.getElementById('opastin-lang'); s.value = '{lang}';
        s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()""")


def screenshot(page, name, width, height, mobile):
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)
    time.sleep(0.3)
    data = page.call("Page.captureScreenshot", format="png")["data"]
    path = os.path.join(SHOTS, name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
    return path


def run(checks):
    os.makedirs(SHOTS, exist_ok=True)
    server, web_url = start_server()
    profile = tempfile.mkdtemp(prefix="opastin-chromium-")
    chromium = None
    page = None
    try:
        chromium, port, _browser_path = start_chromium(profile)
        page = DevTools(new_page(port))
        page.call("Page.enable")
        page.call("Runtime.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url=web_url + "/")
        page.wait_for("document.readyState === 'complete' && document.getElementById('opastin-status')"
                      " && document.getElementById('opastin-status').dataset.state === 'open'",
                      what="the widget to connect")
        checks.check("widget connects and shows its status line", True)
        checks.check("messages list is aria-live polite",
                     page.evaluate("document.getElementById('opastin-messages').getAttribute('aria-live')") == "polite")

        # Finnish
        pick_language(page, "fi")
        reply = send_question(page, "Miten pääsen suomen kielen kurssille?")
        checks.check("Finnish reply mentions Työväenopisto or asks the city",
                     "Työväenopisto" in reply["text"] or reply["kind"] == "city", reply)
        checks.check("Finnish reply bubble is lang=fi, ltr",
                     reply["lang"] == "fi" and reply["direction"] == "ltr", reply)
        screenshot(page, "ltr-1280x800.png", 1280, 800, False)
        screenshot(page, "ltr-360x740.png", 360, 740, True)
        overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        checks.check("no horizontal overflow at 360 px (LTR)", overflow)
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)

        # Arabic
        pick_language(page, "ar")
        checks.check("picking Arabic turns the widget RTL",
                     page.evaluate("getComputedStyle(document.getElementById('opastin')).direction") == "rtl")
        reply = send_question(page, "أين أجد دروس اللغة الفنلندية؟")
        checks.check("Arabic reply bubble has computed direction rtl, dir=rtl and lang=ar",
                     reply["direction"] == "rtl" and reply["dirAttr"] == "rtl" and reply["lang"] == "ar", reply)

        # An option button (the city question or a clarification)
        if reply["options"] == 0:
            reply = send_question(page, "أين أجد دروس اللغة الفنلندية؟")
        checks.check("the reply offers option buttons", reply["options"] > 0, reply)
        if reply["options"] > 0:
            before = page.evaluate(BOT_COUNT)
            rect = page.evaluate(f"""(() => {{ const r = {LAST_BOT}.querySelector('button.opastin-option')
                .getBoundingClientRect(); return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()""")
            for kind in ("mousePressed", "mouseReleased"):
                page.call("Input.dispatchMouseEvent", type=kind, x=rect["x"], y=rect["y"], button="left", clickCount=1)
            page.wait_for(f"{BOT_COUNT} > {before}", what="the reply to the option")
            after = last_reply(page)
            checks.check("clicking an option brings a new reply (an answer, still RTL)",
                         after["kind"] == "answer" and after["direction"] == "rtl", after)
        screenshot(page, "rtl-1280x800.png", 1280, 800, False)
        screenshot(page, "rtl-360x740.png", 360, 740, True)
        overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        checks.check("no horizontal overflow at 360 px (RTL)", overflow)
        # 200 % zoom of a 1280x800 window: 640x400 CSS pixels at twice the density.
        page.call("Emulation.setDeviceMetricsOverride", width=640, height=400, deviceScaleFactor=2, mobile=False)
        time.sleep(0.3)
        with open(os.path.join(SHOTS, "rtl-zoom200.png"), "wb") as f:
            f.write(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))
        checks.check("no horizontal overflow at 200 % zoom, send button visible",
                     page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1 && "
                                   "document.getElementById('opastin-send').getBoundingClientRect().bottom "
                                   "<= window.innerHeight + 1"))
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)

        # Romanised Russian
        pick_language(page, "ru")
        reply = send_question(page, "kak zapisatsya na kursy finskogo yazyka")
        checks.check("romanised Russian gets a Cyrillic reply",
                     any("\u0400" <= ch <= "\u04FF" for ch in reply["text"]) and reply["lang"] == "ru", reply)
        checks.check("after Russian the widget is LTR again", reply["widgetDirection"] == "ltr", reply)
        checks.check("server text is never HTML: no script elements in the messages",
                     page.evaluate("document.querySelectorAll('#opastin-messages script').length") == 0)
    finally:
        if page:
            page.ws.close()
        for process in (chromium, server):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
        shutil.rmtree(profile, ignore_errors=True)


def main():
    if not os.path.exists(BINARY):
        print(f"{BINARY} is missing: run `swift build` first", file=sys.stderr)
        return 2

    def expired(signum, frame):
        raise Timeout(f"the whole test took over {WHOLE_RUN_SECONDS} s")

    signal.signal(signal.SIGALRM, expired)
    signal.alarm(WHOLE_RUN_SECONDS)
    checks = Checks()
    try:
        run(checks)
    except Exception as error:  # noqa: BLE001 — every failure is reported, then the script fails
        checks.failures.append(f"aborted: {type(error).__name__}: {error}")
        print(f"FAIL aborted: {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
    print(f"{checks.passed} passed, {len(checks.failures)} failed")
    for failure in checks.failures:
        print("  " + failure)
    return 0 if not checks.failures else 1


if __name__ == "__main__":
    sys.exit(main())
