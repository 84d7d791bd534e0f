"""Frappe's `frappe.website.path_resolver.resolve_redirect`, with the site's redirect rows read from the cache.

Before any page is rendered, Frappe's path resolver reads every Website Route Redirect row from the database
(a `get_all` built and run on every website request), to compare the path with each. On the public tracking
page a citizen opens from the receipt's QR code, that is a quarter of the page's time, for rows that change
only when an administrator saves Website Settings. Here the rows are kept in the cache: forgotten when
Website Settings is saved (doc_events), and read again at most a minute later whatever else changed them.
The rest is Frappe's function as it stands in Frappe 15 (tests/test_redirects.py checks its source, and
that a redirect an administrator adds still redirects).
`install()` puts it in place; it runs before every request and when this module is imported.
"""

import re

import frappe
import frappe.website.path_resolver

ROWS_KEY = "zz_website_route_redirects"
ROWS_SECONDS = 60


def route_redirect_rows() -> list:
	rows = frappe.cache.get_value(ROWS_KEY, expires=True)  # a key with an expiry: not kept in the request
	if rows is None:
		rows = frappe.get_all(
			"Website Route Redirect", ["source", "target", "redirect_http_status"], order_by=None
		)
		frappe.cache.set_value(ROWS_KEY, rows, expires_in_sec=ROWS_SECONDS)
	return rows


def forget_rows(doc=None, method=None):
	"""Website Settings on_update: its redirect rows may have changed."""
	frappe.cache.delete_value(ROWS_KEY)


def resolve_redirect(path, query_string=None):
	"""Frappe's resolve_redirect, the Website Route Redirect rows read from the cache."""
	redirects = frappe.get_hooks("website_redirects")
	redirects += route_redirect_rows()

	if not redirects:
		return

	redirect_to = frappe.cache.hget("website_redirects", path)

	if redirect_to:
		if isinstance(redirect_to, dict):
			frappe.flags.redirect_location = redirect_to["path"]
			raise frappe.Redirect(redirect_to["status_code"])
		frappe.flags.redirect_location = redirect_to
		raise frappe.Redirect

	for rule in redirects:
		pattern = rule["source"].strip("/ ") + "$"
		path_to_match = path
		if query_string and rule.get("match_with_query_string"):
			path_to_match = path + "?" + frappe.safe_decode(query_string)

		try:
			match = re.match(pattern, path_to_match)
		except re.error:
			frappe.log_error("Broken Redirect: " + pattern)
			match = None

		if match:
			redirect_to = re.sub(pattern, rule["target"], path_to_match)
			frappe.flags.redirect_location = redirect_to
			status_code = rule.get("redirect_http_status") or 301
			frappe.cache.hset(
				"website_redirects", path_to_match, {"path": redirect_to, "status_code": status_code}
			)
			raise frappe.Redirect(status_code)


def install():
	"""Put the replacement in place (once per process; Frappe's function stays reachable as zz_wraps, also
	when this module is loaded again)."""
	if frappe.website.path_resolver.resolve_redirect is not resolve_redirect:
		resolve_redirect.zz_wraps = frappe_resolve_redirect
		frappe.website.path_resolver.resolve_redirect = resolve_redirect


# Frappe's own function, unwrapped if an earlier load of this module had replaced it
frappe_resolve_redirect = getattr(
	frappe.website.path_resolver.resolve_redirect, "zz_wraps", frappe.website.path_resolver.resolve_redirect
)

install()
