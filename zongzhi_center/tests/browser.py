"""Chromium driving the test site's desk, as a person would: for tests of what people see.

The test site is served during `./zz test` as the demo is (nginx, gunicorn, socket.io) at its host_name.
"""

import contextlib

import frappe
from frappe.utils import get_url
from frappe.utils.password import update_password
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Desk-Test-2026!"


def desk_ready(*users: str) -> None:
	"""The desk opens for ordinary users only once the site's setup wizard is done (a site made by
	`./zz up` answers it; the test site never ran it); the users get a password to log in with."""
	frappe.db.set_single_value("System Settings", "setup_complete", 1)
	for user in users:
		update_password(user, PASSWORD)
	frappe.db.commit()


@contextlib.contextmanager
def desk_page(user: str, failure_shot: str = "desk-failure.png"):
	"""A logged-in Chromium page on the test site's desk, in Chinese; a screenshot is kept in the site's
	folder when the block fails."""
	with sync_playwright() as p:
		browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
		page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
		try:
			page.goto(f"{get_url()}/login")
			page.fill("#login_email", user)
			page.fill("#login_password", PASSWORD)
			page.click(".btn-login")
			page.wait_for_url("**/app**")
			yield page
		except Exception:
			page.screenshot(path=frappe.get_site_path(failure_shot))
			raise
		finally:
			browser.close()
