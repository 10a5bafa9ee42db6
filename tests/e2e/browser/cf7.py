#!/usr/bin/python3
"""Drives Debian's headless Chromium through a Contact Form 7 form, a comment
form and the "Blocked by spamgate" screen, for tests/e2e/contact_form_7.cpp.

  cf7.py send --page URL --name N --email E --subject S --message M
         [--no-js] [--screenshot PNG]
      opens the page, fills the form as a person does (a click into the
      first field, typing), waits until the form was on screen for
      --min-seconds, submits, and waits for CF7's answer on the page.
  cf7.py comment --page URL --author A --email E --text T [--screenshot PNG]
      the same with the post's comment form.
  cf7.py review --site URL --user U --password P --text T --form-title F
         --field NAME=VALUE ... --screenshot PNG
      logs in, finds the blocked message on Comments > Blocked by spamgate
      under the form's title with every field, saves a screenshot, clicks
      "Not spam", and then follows the same link a second time.

Run with Debian's python3 (python3-selenium, chromium-driver). Exits 0 and
prints one JSON line of what it saw; on a failed expectation exits 1 with the
reason, the page's URL and its visible text (and saves <screenshot>.fail.png).
"""
import argparse
import sys
import time

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import WebDriverWait

from chromium import browser, click_and_wait_for_load, expect, log_in, run


def token_of(form):
    inputs = form.find_elements(By.CSS_SELECTOR, "input[name='sg_token']")
    return inputs[0].get_attribute("value") if inputs else ""


def type_into(form, css, text):
    field = form.find_element(By.CSS_SELECTOR, css)
    field.click()  # the first interaction: the token script asks spamgate for a fresh token
    field.clear()
    field.send_keys(text)


def wait_until_shown_for(shown_at, seconds):
    """A person takes a while to write; spamgate's TOO_FAST would hold a form sent at once."""
    left = shown_at + seconds - time.time()
    if left > 0:
        time.sleep(left)


def wait_for_fresh_token(driver, form, javascript):
    """With JavaScript the script replaces the rendered token; returns whether it did."""
    if not javascript:
        return False
    try:
        WebDriverWait(driver, 15).until(lambda d: form.get_attribute("data-spamgate-token") == "fresh")
        return True
    except TimeoutException:
        return False


def send(driver, args):
    driver.get(args.page)
    shown_at = time.time()
    form = driver.find_element(By.CSS_SELECTOR, "form.wpcf7-form")
    seen = {"rendered_token": token_of(form)}
    type_into(form, "[name='your-name']", args.name)
    type_into(form, "[name='your-email']", args.email)
    type_into(form, "[name='your-subject']", args.subject)
    type_into(form, "[name='your-message']", args.message)
    seen["fresh_token"] = wait_for_fresh_token(driver, form, not args.no_js)
    seen["sent_token"] = token_of(form)
    wait_until_shown_for(shown_at, args.min_seconds)
    submit = form.find_element(By.CSS_SELECTOR, "[type='submit']")
    if args.no_js:
        click_and_wait_for_load(driver, submit)
        outputs = driver.find_elements(By.CSS_SELECTOR, ".wpcf7-response-output")
        seen["message"] = outputs[0].text.strip() if outputs else ""
        seen["status"] = ""
    else:
        submit.click()
        # "resetting": after a sent mail CF7 refills the form, then says "sent" again.
        WebDriverWait(driver, 30).until(
            lambda d: form.get_attribute("data-status") not in ("init", "submitting", "resetting", None, "")
            and form.find_element(By.CSS_SELECTOR, ".wpcf7-response-output").text.strip() != "")
        seen["status"] = form.get_attribute("data-status")
        seen["message"] = form.find_element(By.CSS_SELECTOR, ".wpcf7-response-output").text.strip()
    seen["body"] = driver.find_element(By.TAG_NAME, "body").text[:3000]
    seen["url"] = driver.current_url
    if args.screenshot:
        outputs = driver.find_elements(By.CSS_SELECTOR, ".wpcf7-response-output")
        if outputs:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", outputs[0])
        driver.save_screenshot(args.screenshot)
    return seen


def comment(driver, args):
    driver.get(args.page)
    shown_at = time.time()
    form = driver.find_element(By.CSS_SELECTOR, "form#commentform")
    seen = {"rendered_token": token_of(form)}
    type_into(form, "#comment", args.text)
    type_into(form, "#author", args.author)
    type_into(form, "#email", args.email)
    seen["fresh_token"] = wait_for_fresh_token(driver, form, True)
    seen["sent_token"] = token_of(form)
    wait_until_shown_for(shown_at, args.min_seconds)
    click_and_wait_for_load(driver, form.find_element(By.CSS_SELECTOR, "#submit"))
    seen["url"] = driver.current_url
    seen["body"] = driver.find_element(By.TAG_NAME, "body").text[:3000]
    if args.screenshot:
        driver.save_screenshot(args.screenshot)
    return seen


def row_with(driver, text):
    for row in driver.find_elements(By.CSS_SELECTOR, "table.wp-list-table tbody tr[id^='spamgate-row-']"):
        if text in row.text:
            return row
    return None


def review(driver, args):
    log_in(driver, args.site, args.user, args.password)
    driver.get(args.site + "/wp-admin/edit-comments.php?page=spamgate-blocked")
    WebDriverWait(driver, 30).until(until.presence_of_element_located((By.CSS_SELECTOR, "table.wp-list-table")))
    seen = {}
    row = row_with(driver, args.text)
    expect(row is not None, "the blocked message is not listed")
    seen["id"] = row.get_attribute("id")[len("spamgate-row-"):]
    title = row.find_element(By.CSS_SELECTOR, ".spamgate-form-title").text
    expect(title == args.form_title, "the row names the form %r, not %r" % (title, args.form_title))
    fields = {}
    for tr in row.find_elements(By.CSS_SELECTOR, "table.spamgate-fields tr"):
        fields[tr.find_element(By.TAG_NAME, "th").text] = tr.find_element(By.TAG_NAME, "td").text
    seen["fields"] = fields
    for pair in args.field:
        name, value = pair.split("=", 1)
        expect(fields.get(name) == value, "field %s shows %r, not %r" % (name, fields.get(name), value))

    # The form filter lists the form by its title and keeps the row.
    options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#spamgate-filter-form option")]
    seen["form_filter"] = options
    expect(any(o.startswith(args.form_title) for o in options), "the form filter does not offer %r" % args.form_title)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", row)
    driver.save_screenshot(args.screenshot)

    ActionChains(driver).move_to_element(row).perform()
    link = row.find_element(By.CSS_SELECTOR, "a.spamgate-not-spam")
    href = link.get_attribute("href")
    WebDriverWait(driver, 10).until(until.element_to_be_clickable(link))
    click_and_wait_for_load(driver, link)
    notice = WebDriverWait(driver, 30).until(
        until.presence_of_element_located((By.CSS_SELECTOR, ".spamgate-review-result")))
    expect("notice-success" in notice.get_attribute("class"), "'Not spam' failed: " + notice.text)
    seen["notice"] = notice.text
    expect(row_with(driver, args.text) is None, "the rescued message is still listed")
    # The same link once more (a double click, a reload): nothing is mailed twice.
    driver.get(href)
    notice = WebDriverWait(driver, 30).until(
        until.presence_of_element_located((By.CSS_SELECTOR, ".spamgate-review-result")))
    seen["second_notice"] = notice.text
    return seen


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("send")
    p.add_argument("--page", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--message", required=True)
    p.add_argument("--no-js", action="store_true")
    p.add_argument("--min-seconds", type=float, default=4)
    p.add_argument("--screenshot", default="")
    p = sub.add_parser("comment")
    p.add_argument("--page", required=True)
    p.add_argument("--author", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--min-seconds", type=float, default=4)
    p.add_argument("--screenshot", default="")
    p = sub.add_parser("review")
    p.add_argument("--site", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--form-title", required=True)
    p.add_argument("--field", action="append", default=[])
    p.add_argument("--screenshot", required=True)
    args = parser.parse_args()
    steps = {"send": send, "comment": comment, "review": review}[args.command]
    return run(browser(not getattr(args, "no_js", False), "1200,1400"), args.screenshot,
               lambda driver: steps(driver, args))


if __name__ == "__main__":
    sys.exit(main())
