"""The demo page in a real browser: headless Chromium (Debian's package) driven by Selenium.

It clicks through what a coordinator trying the bot would do, and keeps docs/demo.png (the
README's screenshot) current. Without Chromium it is skipped, except in CI, where it must run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo.page import DemoPage
from bot.demo.seed import PROGRAMME, cohort_name
from bot.demo.workspace import DemoWorkspace
from bot.slack.web import RunningServer
from tests.demo.conftest import START

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "demo.png"
WAIT_SECONDS = 20


def _require_chromium() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    reason = f"needs {CHROMIUM} and {CHROMEDRIVER}: apt-get install -y chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser test must run; it {reason}")
    pytest.skip(f"Chromium is not installed; the browser test {reason}")


@pytest.fixture
def page_url(seeded_demo: DemoWorkspace) -> Iterator[str]:
    """The demo page, served by this process on loopback."""
    server = RunningServer(DemoPage(seeded_demo)).start()
    yield server.url + "/"
    server.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """Headless Chromium, from Debian's package."""
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def test_a_coordinator_clicks_through_the_demo(
    browser: object, page_url: str, tmp_path: Path
) -> None:
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, WAIT_SECONDS)
    try:

        def replaced(element: Any) -> Callable[[WebDriver], bool]:
            def predicate(_driver: WebDriver) -> bool:
                try:
                    element.is_enabled()
                except StaleElementReferenceException:
                    return True
                except WebDriverException as error:
                    # Chromium answers this, not "stale", while the old document is being
                    # torn down; the next poll sees the new one.
                    if "does not belong to the document" in str(error):
                        return False
                    raise
                return False

            return predicate

        def click(element: Any) -> None:
            # Every control posts a form and the page is loaded again: wait for the new one.
            element.click()
            wait.until(replaced(element))

        def type_command(text: str) -> None:
            composer = wait.until(ec.element_to_be_clickable((By.ID, "composer")))
            composer.clear()
            composer.send_keys(text)
            click(driver.find_element(By.ID, "send"))

        def last_message() -> str:
            return str(driver.find_elements(By.CSS_SELECTOR, "article.message")[-1].text)

        # Open the page: the coordinator's DM with the bot.
        driver.get(page_url)
        assert "Chris Morgan" in driver.find_element(By.ID, "viewer").text

        # /cohort help, answered only to them.
        type_command("help")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "article.message"))

        # Help comes in more than one message (each within Slack's advised length).
        def messages() -> list[str]:
            return [m.text for m in driver.find_elements(By.CSS_SELECTOR, "article.message")]

        wait.until(lambda d: any("cohortbot commands" in text for text in messages()))
        wait.until(lambda d: len(messages()) >= 2)
        assert all("Only visible to you" in text for text in messages())

        # A programme through its form, with one inline error corrected.
        type_command("programme add")
        modal = wait.until(ec.visibility_of_element_located((By.ID, "modal")))
        modal.find_element(By.ID, "f:name").send_keys("Emerging Leaders")
        length = modal.find_element(By.ID, "f:length_months")
        length.clear()
        length.send_keys("0")
        click(driver.find_element(By.ID, "modal-submit"))
        error = wait.until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, "[data-block-id=length_months] .bk-error")
            )
        )
        assert "at least 1 month" in error.text
        assert driver.find_element(By.ID, "f:name").get_attribute("value") == "Emerging Leaders"
        length = driver.find_element(By.ID, "f:length_months")
        length.clear()
        length.send_keys("12")
        click(driver.find_element(By.ID, "modal-submit"))
        wait.until(
            lambda d: "Saved the programme Emerging Leaders" in d.find_element(By.ID, "modal").text
        )
        click(driver.find_element(By.ID, "modal-cancel"))
        wait.until(lambda d: not d.find_elements(By.ID, "modal"))

        # Enrol Sam, picking them with @ completion.
        composer = driver.find_element(By.ID, "composer")
        composer.send_keys("enrol @sa")
        suggestion = wait.until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, "#completions li"))
        )
        assert "Sam Taylor" in suggestion.text
        composer.send_keys(Keys.TAB)
        composer.send_keys(f'"{PROGRAMME}" "{cohort_name(START.date())}"')
        assert str(composer.get_attribute("value")).startswith("enrol @sam ")
        click(driver.find_element(By.ID, "send"))
        wait.until(lambda d: "Sam Taylor" in last_message() or "@Sam" in last_message())

        # Run the clock until Sam's reminder arrives, and answer it as Sam.
        click(driver.find_element(By.CSS_SELECTOR, "a.person[data-handle=sam]"))
        wait.until(lambda d: "Sam Taylor" in d.find_element(By.ID, "viewer").text)
        click(driver.find_element(By.ID, "open-home"))
        home = wait.until(ec.visibility_of_element_located((By.ID, "home")))
        assert "no reply yet" in home.text
        click(driver.find_element(By.ID, "open-dm"))
        for _step in range(6):
            if driver.find_elements(By.XPATH, '//button[normalize-space()="I\'ll be there"]'):
                break
            click(driver.find_element(By.ID, "clock-next"))
        buttons = driver.find_elements(By.XPATH, '//button[normalize-space()="I\'ll be there"]')
        assert buttons, "no reminder with an I'll be there button reached Sam"
        reminder_ts = (
            buttons[-1].find_element(By.XPATH, "./ancestor::article").get_attribute("data-ts")
        )
        click(buttons[-1])
        updated = f"article[data-ts='{reminder_ts}']"
        wait.until(
            lambda d: "You said you'll be there" in d.find_element(By.CSS_SELECTOR, updated).text
        )
        assert "(edited)" in driver.find_element(By.CSS_SELECTOR, updated).text

        # Sam's Home tab now shows the reply.
        click(driver.find_element(By.ID, "open-home"))
        home = wait.until(ec.visibility_of_element_located((By.ID, "home")))
        assert "you're going" in home.text
        click(driver.find_element(By.ID, "open-dm"))
        wait.until(ec.visibility_of_element_located((By.ID, "messages")))
        SCREENSHOT.parent.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))
    except BaseException:
        shot = tmp_path / "failure.png"
        driver.save_screenshot(str(shot))
        print(
            f"screenshot of the failing page: {shot}; its HTML follows\n{driver.page_source[:4000]}"
        )
        raise
