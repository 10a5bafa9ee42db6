#!/usr/bin/python3
"""Drives Debian's headless Chromium through WordPress's "Blocked by spamgate"
screen the way a site owner does, for tests/e2e/wordpress_stack.cpp:

  log in -> Comments > Blocked by spamgate -> find the rejected comment and
  its reason -> save a screenshot -> "Not spam" on it -> tick two others ->
  bulk "Confirm spam" -> the dashboard widget's chart and link.

Run with Debian's python3 (python3-selenium, chromium-driver). Exits 0 and
prints one JSON line of what it saw; on a failed expectation exits 1 with the
reason, the page's URL and its visible text (and saves <screenshot>.fail.png).
"""
import sys

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import browser, click_and_wait_for_load, expect, log_in, owner_arguments, run


def open_screen_from_menu(driver, site):
    """Opens the screen the way an owner finds it: Comments menu -> Blocked by spamgate."""
    driver.get(site + "/wp-admin/edit-comments.php")
    link = driver.find_element(By.CSS_SELECTOR, "#menu-comments a[href*='page=spamgate-blocked']")
    expect("Blocked by spamgate" in link.get_attribute("textContent"), "the Comments menu has no 'Blocked by spamgate'")
    driver.get(link.get_attribute("href"))
    WebDriverWait(driver, 30).until(until.presence_of_element_located((By.CSS_SELECTOR, "table.wp-list-table")))


def row_with(driver, text):
    for row in driver.find_elements(By.CSS_SELECTOR, "table.wp-list-table tbody tr[id^='spamgate-row-']"):
        if text in row.text:
            return row
    return None


def result_notice(driver):
    notice = WebDriverWait(driver, 30).until(
        until.presence_of_element_located((By.CSS_SELECTOR, ".spamgate-review-result")))
    return notice.get_attribute("class"), notice.text


def review_as_owner(driver, args):
    """Logs in, rescues one comment, confirms others in bulk, reads the dashboard widget; returns what it saw."""
    seen = {}
    log_in(driver, args.site, args.user, args.password)
    open_screen_from_menu(driver, args.site)
    expect("Blocked by spamgate" in driver.find_element(By.TAG_NAME, "h1").text, "no 'Blocked by spamgate' heading")

    row = row_with(driver, args.rescue)
    expect(row is not None, "the rejected comment is not listed")
    seen["rescue_id"] = row.get_attribute("id")[len("spamgate-row-"):]
    reasons = row.find_element(By.CSS_SELECTOR, "td.column-reasons").text
    expect(args.reason in reasons, "its reasons cell says %r, not %r" % (reasons, args.reason))
    seen["reasons"] = reasons
    seen["rows"] = len(driver.find_elements(By.CSS_SELECTOR, "tbody tr[id^='spamgate-row-']"))
    driver.save_screenshot(args.screenshot)

    # Row actions appear when the pointer is over the row, as for a person.
    ActionChains(driver).move_to_element(row).perform()
    link = row.find_element(By.CSS_SELECTOR, "a.spamgate-not-spam")
    WebDriverWait(driver, 10).until(until.element_to_be_clickable(link))
    click_and_wait_for_load(driver, link)
    kind, text = result_notice(driver)
    expect("notice-success" in kind, "'Not spam' failed: " + text)
    seen["rescue_notice"] = text
    expect(row_with(driver, args.rescue) is None, "the rescued comment is still listed")

    ids = []
    for text in args.confirm:
        row = row_with(driver, text)
        expect(row is not None, "%r is not listed" % text)
        ids.append(row.get_attribute("id")[len("spamgate-row-"):])
        row.find_element(By.CSS_SELECTOR, "input[type=checkbox][name='submission[]']").click()
    Select(driver.find_element(By.ID, "bulk-action-selector-top")).select_by_value("confirm_spam")
    # The page still shows the rescue's notice: wait for the next page.
    click_and_wait_for_load(driver, driver.find_element(By.ID, "doaction"))
    kind, text = result_notice(driver)
    expect("notice-success" in kind, "bulk 'Confirm spam' failed: " + text)
    seen["confirm_ids"] = ids
    seen["confirm_notice"] = text
    for text in args.confirm:
        expect(row_with(driver, text) is None, "%r is still listed after 'Confirm spam'" % text)

    # The dashboard widget: a seven-day chart per action and a link to the screen.
    driver.get(args.site + "/wp-admin/index.php")
    widget = WebDriverWait(driver, 30).until(until.presence_of_element_located((By.ID, "spamgate_stats")))
    bars = widget.find_elements(By.CSS_SELECTOR, "svg.spamgate-chart rect.spamgate-bar-reject title")
    seen["dashboard_reject_bars"] = [bar.get_attribute("textContent") for bar in bars]
    expect(len(widget.find_elements(By.CSS_SELECTOR, "svg.spamgate-chart")) == 1, "the widget has no chart")
    expect(widget.find_elements(By.CSS_SELECTOR, "a[href*='page=spamgate-blocked']"),
           "the widget does not link to the screen")
    widget.screenshot(args.screenshot.replace(".png", "-dashboard.png"))
    return seen


def main():
    parser = owner_arguments()
    parser.add_argument("--rescue", required=True, help="text of the rejected comment to rescue")
    parser.add_argument("--reason", required=True, help="the reason the screen must show for it")
    parser.add_argument("--confirm", required=True, nargs="+", help="texts of comments to confirm as spam in bulk")
    args = parser.parse_args()

    return run(browser(), args.screenshot, lambda driver: review_as_owner(driver, args))


if __name__ == "__main__":
    sys.exit(main())
