"""A scripted participant: drives the study page in headless Chromium with Selenium (Debian's ``chromium``
and ``chromium-driver``; nothing is downloaded). The browser tests, the latency benchmark and the
screenshot in the docs use it; it also smoke-tests a study before real people arrive.

    with start_server(["study", "try", "--agent", "oracle-40", "--out", "s"]) as server, chrome() as browser:
        person = PageParticipant(browser, server.url)
        person.open(); person.type("import sys"); print(person.wait_ghost())
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, cast

READY_PREFIX = "study serving at "


@dataclass
class ServerProcess:
    process: subprocess.Popen
    url: str

    def stop(self, kill: bool = False) -> None:
        """Ctrl-C (or SIGKILL: a crash, nothing cleaned up) and wait for the process to end."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    cli_args: list[str],
    *,
    cwd: str | os.PathLike | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> ServerProcess:
    """Run ``codeassist CLI_ARGS`` (a ``study serve`` or ``study try``) and wait for its URL line;
    ``env``: variables added to this process's environment."""
    process = subprocess.Popen(
        [sys.executable, "-m", "codeassist_env.cli", *cli_args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = cast(IO[str], process.stdout)  # a pipe: stdout=subprocess.PIPE above
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = output.readline()
        if not line:
            break  # the process ended before it served
        seen.append(line)
        if line.startswith(READY_PREFIX):
            return ServerProcess(process, line[len(READY_PREFIX) :].strip())
    process.kill()
    process.wait()
    raise RuntimeError(f"codeassist {' '.join(cli_args)} did not start serving: {''.join(seen)[-2000:]}")


@contextmanager
def chrome(width: int = 1280, height: int = 1000) -> Iterator["object"]:
    """Headless Chromium from the system's packages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        raise RuntimeError(
            "headless browser tests need Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        yield driver
    finally:
        driver.quit()


class PageParticipant:
    """One person on the page, acting through the keyboard and the buttons like a real one."""

    def __init__(self, driver, url: str, timeout: float = 30):
        self.driver, self.url, self.timeout = driver, url, timeout

    def _wait(self, condition, timeout: float | None = None, message: str = ""):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.02).until(condition, message)

    def _visible(self, section: str) -> bool:
        return self.driver.execute_script(f"return !document.getElementById('{section}').hidden")

    def open(self) -> None:
        self.driver.get(self.url)
        self._wait(lambda d: any(self._visible(s) for s in ("consent", "work", "prefer", "done")), message="page")

    def stage(self) -> str:
        return next(s for s in ("consent", "work", "prefer", "done") if self._visible(s))

    def join(self, code: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.ID, "code").send_keys(code)
        self.driver.find_element(By.ID, "agree").click()
        self.driver.find_element(By.ID, "start").click()
        self._wait(lambda d: self.stage() != "consent", message="the page to leave the consent screen")

    def problem_id(self) -> str:
        return self.driver.execute_script("return view && view.problem_id")

    def code(self) -> str:
        return self.driver.execute_script("return editor.getValue()")

    def type(self, text: str) -> None:
        """Keystrokes into the editor (CodeMirror's hidden textarea has the focus)."""
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, "#editor .CodeMirror").click()
        self.driver.execute_script(
            "editor.focus(); editor.setCursor(editor.lastLine(), editor.getLine(editor.lastLine()).length)"
        )
        self.driver.switch_to.active_element.send_keys(text)

    def ghost(self) -> str | None:
        return self.driver.execute_script("const g = document.querySelector('.cm-ghost'); return g && g.textContent")

    def wait_ghost(self, timeout: float | None = None) -> str:
        return self._wait(lambda d: self.ghost(), timeout, "ghost text")

    def press(self, key: str) -> None:
        self.driver.switch_to.active_element.send_keys(key)

    def idle(self) -> None:
        """Until every request the page sent has been answered."""
        self.driver.execute_script("window.__idle = false; queue.then(() => { window.__idle = true; })")
        self._wait(lambda d: d.execute_script("return window.__idle"), message="the page's requests")

    def run_tests(self) -> str:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.ID, "run").click()
        return self._wait(
            lambda d: (t := d.find_element(By.ID, "results").text).startswith("Public tests:") and t,
            message="public test results",
        )

    def submit(self) -> None:
        from selenium.webdriver.common.by import By

        done = self.driver.execute_script("return view.done")
        self.driver.find_element(By.ID, "submit").click()
        self._wait(lambda d: d.execute_script("return view.done") == done + 1, message="the next screen")

    def prefer(self, label: str, why: str = "") -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, f"input[name=choice][value={label}]").click()
        self.driver.find_element(By.ID, "why").send_keys(why)
        self.driver.find_element(By.ID, "send-preference").click()
        self._wait(lambda d: self.stage() != "prefer", message="the page to leave the question")


def read_records(directory: Path) -> list[dict]:
    from codeassist_env.study.log import LOG_FILE, read_log

    return read_log(Path(directory) / LOG_FILE).records
