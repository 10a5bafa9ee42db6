#!/usr/bin/python3
"""Drives Debian's headless Chromium through Settings > spamgate > "Try rules"
the way a site owner does, for tests/e2e/wordpress_stack.cpp:

  log in -> Settings > spamgate -> paste rule lines (Japanese) -> "Try on
  stored submissions" -> read the difference table and its examples -> save
  a screenshot -> paste a bad line -> read the error spamgate located.

Run with Debian's python3 (python3-selenium, chromium-driver). Exits 0 and
prints one JSON line of what it saw; on a failed expectation exits 1 with the
reason, the page's URL and its visible text (and saves <screenshot>.fail.png).
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import WebDriverWait

from chromium import browser, click_and_wait_for_load, expect, log_in, owner_arguments, run


def open_settings_from_menu(driver, site):
    """Opens the screen the way an owner finds it: Settings menu -> spamgate."""
    driver.get(site + "/wp-admin/options-general.php")
    link = driver.find_element(By.CSS_SELECTOR, "#menu-settings a[href$='page=spamgate']")
    driver.get(link.get_attribute("href"))
    WebDriverWait(driver, 30).until(until.presence_of_element_located((By.ID, "spamgate-try-form")))


def try_lines(driver, lines):
    """Types the lines into the box as a person does and presses the button."""
    box = driver.find_element(By.ID, "spamgate-try-rules")
    box.clear()
    box.send_keys("\n".join(lines))
    button = driver.find_element(By.CSS_SELECTOR, "#spamgate-try-form button[type=submit]")
    click_and_wait_for_load(driver, button)
    WebDriverWait(driver, 30).until(until.presence_of_element_located(
        (By.CSS_SELECTOR, "#spamgate-try-result, .spamgate-try-errors")))


def try_rules_as_owner(driver, args):
    """Logs in, tries the rule lines on stored submissions, then a bad line; returns what it saw."""
    seen = {}
    log_in(driver, args.site, args.user, args.password)
    open_settings_from_menu(driver, args.site)
    expect(driver.find_element(By.XPATH, "//h2[normalize-space()='Try rules']"), "no 'Try rules' heading")

    try_lines(driver, args.rule)
    expect(not driver.find_elements(By.CSS_SELECTOR, ".spamgate-try-errors"),
           "spamgate refused the lines: " + driver.find_element(By.TAG_NAME, "body").text[:500])
    seen["summary"] = driver.find_element(By.ID, "spamgate-try-summary").text
    rows = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#spamgate-try-table tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        rows[cells[0].text] = {
            "newly_blocked": int(cells[1].text), "marked_not_spam": int(cells[2].text),
            "newly_passed": int(cells[3].text), "marked_spam": int(cells[4].text),
            "examples": [li.text for li in cells[5].find_elements(By.TAG_NAME, "li")],
        }
    seen["rows"] = rows
    seen["box_after"] = driver.find_element(By.ID, "spamgate-try-rules").get_attribute("value")
    driver.find_element(By.ID, "spamgate-try-result").screenshot(args.screenshot)

    try_lines(driver, [args.bad_rule])
    seen["errors"] = [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".spamgate-try-errors li")]
    expect(seen["errors"], "a bad line showed no error")
    return seen


def main():
    parser = owner_arguments()
    parser.add_argument("--rule", required=True, action="append", help="a line to paste (repeat for more)")
    parser.add_argument("--bad-rule", required=True, help="a line spamgate must refuse")
    args = parser.parse_args()

    return run(browser(), args.screenshot, lambda driver: try_rules_as_owner(driver, args))


if __name__ == "__main__":
    sys.exit(main())
