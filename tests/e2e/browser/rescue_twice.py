#!/usr/bin/python3
"""Drives Debian's headless Chromium through WordPress's "Blocked by spamgate"
screen for tests/e2e/shared_redis_cluster.cpp: an owner finds one blocked
comment with its reason, clicks "Not spam", and then follows the same link
again (a double click, or the browser's back and a second click).

  log in -> Comments > Blocked by spamgate -> the comment and its reason ->
  "Not spam" -> the same "Not spam" link again -> the screen once more.

Run with Debian's python3 (python3-selenium, chromium-driver). Exits 0 and
prints one JSON line of what it saw; on a failed expectation exits 1 with the
reason, the page's URL and its visible text (and saves <screenshot>.fail.png).
"""
import sys

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import WebDriverWait

from chromium import browser, click_and_wait_for_load, expect, log_in, owner_arguments, run
from review_screen import open_screen_from_menu, result_notice, row_with


def rescue_twice(driver, args):
    """Logs in, rescues the comment whose text is args.rescue, then follows its link again; returns what it saw."""
    seen = {}
    log_in(driver, args.site, args.user, args.password)
    open_screen_from_menu(driver, args.site)
    row = row_with(driver, args.rescue)
    expect(row is not None, "the blocked comment is not listed")
    seen["rescue_id"] = row.get_attribute("id")[len("spamgate-row-"):]
    seen["reasons"] = row.find_element(By.CSS_SELECTOR, "td.column-reasons").text
    expect(args.reason in seen["reasons"], "its reasons cell says %r, not %r" % (seen["reasons"], args.reason))
    driver.save_screenshot(args.screenshot)

    ActionChains(driver).move_to_element(row).perform()
    link = row.find_element(By.CSS_SELECTOR, "a.spamgate-not-spam")
    WebDriverWait(driver, 10).until(until.element_to_be_clickable(link))
    href = link.get_attribute("href")
    click_and_wait_for_load(driver, link)
    kind, seen["first_notice"] = result_notice(driver)
    expect("notice-success" in kind, "'Not spam' failed: " + seen["first_notice"])
    expect(row_with(driver, args.rescue) is None, "the rescued comment is still listed")

    driver.get(href)
    WebDriverWait(driver, 30).until(until.presence_of_element_located((By.CSS_SELECTOR, "table.wp-list-table")))
    kind, seen["second_notice"] = result_notice(driver)
    seen["second_ok"] = "notice-success" in kind
    expect(row_with(driver, args.rescue) is None, "the rescued comment is listed again after the second click")
    return seen


def main():
    parser = owner_arguments()
    parser.add_argument("--rescue", required=True, help="text of the blocked comment to rescue")
    parser.add_argument("--reason", required=True, help="the reason the screen must show for it")
    args = parser.parse_args()
    return run(browser(), args.screenshot, lambda driver: rescue_twice(driver, args))


if __name__ == "__main__":
    sys.exit(main())
