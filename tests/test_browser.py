"""End to end in a real headless Chromium (Debian chromium + chromium-driver, via Selenium):
log in to the console, open a flagged draft, approve it, and find the approval in the store;
a session that expires mid-edit loses nothing and applies nothing until the reviewer is back."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as expected
from selenium.webdriver.support.ui import WebDriverWait

from copyguard import Severity
from copyguard.review import Action, ReviewStore, Status
from copyguard.review.accounts import SESSION_TTL, Accounts
from copyguard.review.store import utcnow
from copyguard.review.web.app import create_app
from tests.review_support import finding, fresh_store, light_guard, make_verdict

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PASSWORD = "correct horse battery"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run")

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReviewStore]:
    with fresh_store("sqlite", tmp_path) as opened:
        Accounts(opened, password_cost=2**14).add_reviewer("alice", PASSWORD)
        yield opened


@pytest.fixture
def console(store: ReviewStore) -> Iterator[str]:
    """The console served by uvicorn on a free local port, in a thread."""
    guard = light_guard()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, guard_factory=lambda: guard),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def submit(browser: webdriver.Chrome, button: str) -> None:
    """Click a form's button and wait until the page it was on is gone: a wait for the next
    page's elements could otherwise read the old page while Chromium replaces it, and fail
    with "Node with given id does not belong to the document"."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, button).click()

    def gone(_: webdriver.Chrome) -> bool:
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:  # the same news, told mid-replacement
            if "does not belong to the document" in (exc.msg or ""):
                return True
            raise
        return False

    WebDriverWait(browser, 20).until(gone)


def test_log_in_open_a_flagged_draft_and_approve_it(store: ReviewStore, console: str,
                                                    browser: webdriver.Chrome) -> None:
    text = "Hi <script>document.title='pwned'</script>, today's bargain is yours."
    start = text.index("bargain")
    item_id = store.submit(make_verdict(text, "browser-1", findings=(
        finding("bargain", Severity.WARNING, start, start + 7),)))
    wait = WebDriverWait(browser, 20)

    browser.get(f"{console}/items/{item_id}")  # not logged in: sent to the login page
    wait.until(expected.presence_of_element_located((By.ID, "name"))).send_keys("alice")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, "login")

    draft = wait.until(expected.presence_of_element_located((By.ID, "draft-text")))
    assert browser.current_url.endswith(f"/items/{item_id}")
    assert "<script>document.title='pwned'</script>" in draft.text  # shown, not run
    assert browser.title != "pwned"
    marked = draft.find_element(By.CSS_SELECTOR, "mark.sev-warning")
    assert marked.text.startswith("bargain")
    assert "bargain found" in browser.find_element(By.CSS_SELECTOR, "ol.findings").text

    browser.find_element(By.ID, "approve-reason").send_keys("checked in the browser")
    submit(browser, "approve")
    wait.until(expected.text_to_be_present_in_element((By.ID, "status"), "approved"))
    assert browser.find_element(By.ID, "notice").text == "Approved."

    item = store.get(item_id)
    assert (item.status, item.reviewer, item.decision_reason) == (
        Status.APPROVED, "alice", "checked in the browser")
    assert [e.action for e in store.history(item_id)] == [Action.SUBMITTED, Action.APPROVED]


def test_a_session_expiring_mid_edit_keeps_the_edit_through_a_new_login(
        store: ReviewStore, console: str, browser: webdriver.Chrome) -> None:
    item_id = store.submit(make_verdict("A bargain <b>today</b>", "browser-2", findings=(
        finding("bargain", Severity.WARNING, 2, 9),)))
    wait = WebDriverWait(browser, 20)
    browser.get(f"{console}/login?next=/items/{item_id}")
    wait.until(expected.presence_of_element_located((By.ID, "name"))).send_keys("alice")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, "login")
    box = wait.until(expected.presence_of_element_located((By.ID, "edit-text")))
    rewrite = "A fair price <i>today</i>, for a while."
    box.clear()
    box.send_keys(rewrite)
    later = utcnow() + SESSION_TTL + timedelta(minutes=1)
    store.clock = lambda: later  # the reviewer was away longer than a session lasts
    submit(browser, "recheck")

    error = wait.until(expected.presence_of_element_located((By.ID, "error")))
    assert "session has expired" in error.text and "nothing was saved" in error.text
    assert browser.find_element(By.ID, "pending-text").get_attribute("value") == rewrite
    assert store.get(item_id).edited_text is None
    browser.find_element(By.ID, "name").send_keys("alice")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, "login")

    notice = wait.until(expected.presence_of_element_located((By.ID, "notice")))
    assert "NOT saved yet" in notice.text
    assert browser.find_element(By.ID, "edit-text").get_attribute("value") == rewrite
    assert store.get(item_id).edited_text is None  # still only in the reviewer's hands
    submit(browser, "recheck")
    wait.until(expected.text_to_be_present_in_element((By.ID, "notice"), "Edit saved"))
    assert store.get(item_id).edited_text == rewrite
    assert [(e.action, e.actor) for e in store.history(item_id)][-1] == (Action.EDITED, "alice")
