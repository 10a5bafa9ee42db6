"""Debian's headless Chromium for the browser tests (review_screen.py,
rules_try.py, cf7.py): the driver, a failed expectation and its report, a
click that loads a new page, logging in to WordPress, and running a test's
steps to one JSON line or a failure report, and the arguments every screen
test takes. Run the tests with Debian's python3
(python3-selenium, chromium-driver)."""
import argparse
import json

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import WebDriverWait


def owner_arguments():
    """The arguments every screen test takes: the site, the owner's login and where the screenshot goes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--screenshot", required=True)
    return parser


class Failed(Exception):
    pass


def expect(condition, reason):
    if not condition:
        raise Failed(reason)


def browser(javascript=True, window_size="1400,1000"):
    """Headless Chromium; javascript=False turns JavaScript off as a visitor can."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=" + window_size, "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    return driver


def log_in(driver, site, user, password):
    driver.get(site + "/wp-login.php")
    driver.find_element(By.ID, "user_login").send_keys(user)
    driver.find_element(By.ID, "user_pass").send_keys(password)
    driver.find_element(By.ID, "wp-submit").click()
    WebDriverWait(driver, 30).until(until.presence_of_element_located((By.ID, "wpadminbar")))


def click_and_wait_for_load(driver, element):
    """Clicks, then waits until the page it was on is gone (the next one has loaded)."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30).until(until.staleness_of(old_page))


def report_failure(driver, error, screenshot):
    """Prints why a test failed, where, and the page's visible text; saves <screenshot>.fail.png."""
    try:
        if screenshot:
            driver.save_screenshot(screenshot + ".fail.png")
        body = driver.find_element(By.TAG_NAME, "body").text
    except WebDriverException:
        body = ""
    print("FAILED: %s\nat %s\n%s" % (str(error).strip(), driver.current_url, body[:3000]))


def run(driver, screenshot, steps):
    """Runs steps(driver), which returns what the test saw (a dict): prints it as one JSON line and returns 0;
    on a failed expectation reports it (see report_failure) and returns 1. Quits the browser either way."""
    try:
        print(json.dumps(steps(driver), ensure_ascii=False))
        return 0
    except (Failed, TimeoutException, WebDriverException) as error:
        report_failure(driver, error, screenshot)
        return 1
    finally:
        driver.quit()
