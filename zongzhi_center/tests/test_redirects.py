"""overrides/redirects.py: a website page's redirects are Frappe's, with the redirect rows read from the cache;
a redirect an administrator adds in Website Settings redirects at once, over HTTP."""

import hashlib
import inspect

import frappe
import frappe.website.path_resolver
import requests
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_url

from zongzhi_center.overrides import redirects
from zongzhi_center.tests.test_overrides import assert_replaces_frappe


class TestRedirects(FrappeTestCase):
	def tearDown(self):
		settings = frappe.get_single("Website Settings")
		settings.route_redirects = [r for r in settings.route_redirects if not r.source.startswith("/zz-")]
		settings.save(ignore_permissions=True)
		frappe.db.commit()

	def test_it_stands_for_frappes_function(self):
		original = redirects.frappe_resolve_redirect
		assert_replaces_frappe(
			self,
			redirects,
			frappe.website.path_resolver,
			"resolve_redirect",
			original,
			hooks=("before_request",),
		)
		# the Frappe function the override repeats, as it was read
		source = " ".join(inspect.getsource(original).split())
		self.assertEqual(hashlib.sha256(source.encode()).hexdigest()[:16], "bd36654087b135e7")

	def test_a_redirect_added_in_website_settings_redirects_at_once(self):
		target = f"/zz-target-{frappe.generate_hash(length=6)}"
		source = f"/zz-old-{frappe.generate_hash(length=6)}"
		base = get_url()
		# the rows are in the cache, with none of this test's
		self.assertEqual(requests.get(f"{base}{source}", allow_redirects=False, timeout=30).status_code, 404)
		self.assertIsNotNone(frappe.cache.get_value(redirects.ROWS_KEY, expires=True))

		settings = frappe.get_single("Website Settings")
		settings.append("route_redirects", {"source": source, "target": target, "redirect_http_status": 302})
		settings.save(ignore_permissions=True)
		frappe.db.commit()
		answer = requests.get(f"{base}{source}", allow_redirects=False, timeout=30)
		self.assertEqual(answer.status_code, 302)
		self.assertTrue(answer.headers["Location"].endswith(target), answer.headers)
		# Frappe's own redirects (its hooks) still hold
		desk = requests.get(f"{base}/desk", allow_redirects=False, timeout=30)
		self.assertIn(desk.status_code, (301, 302))
		self.assertIn("/app", desk.headers["Location"])

	def test_the_rows_are_read_once_not_on_every_page(self):
		frappe.cache.delete_value(redirects.ROWS_KEY)
		queries = []
		real_get_all = frappe.get_all

		def counting(doctype, *args, **kwargs):
			if doctype == "Website Route Redirect":
				queries.append(doctype)
			return real_get_all(doctype, *args, **kwargs)

		frappe.get_all = counting
		try:
			for _i in range(3):
				redirects.resolve_redirect("track/zz-no-such-token")
		finally:
			frappe.get_all = real_get_all
		self.assertEqual(queries, ["Website Route Redirect"])
