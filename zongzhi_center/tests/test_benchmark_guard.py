"""Benchmarks that write generated cases refuse a site not made for tests."""

import json
import os
import tempfile
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.benchmarks import (
	NotATestSite,
	city_scale,
	reports,
	require_test_site,
	require_test_site_config,
	sla_grades,
)


class TestBenchmarkGuard(FrappeTestCase):
	def test_a_site_without_allow_tests_is_refused_before_anything_is_written(self):
		cases = frappe.db.count("ZZ Case")
		with patch.dict(frappe.local.conf, {"allow_tests": False}):
			self.assertRaises(NotATestSite, require_test_site)
			self.assertRaises(NotATestSite, reports.run, n=10)
			self.assertRaises(NotATestSite, sla_grades.run, n=10)
			self.assertRaises(NotATestSite, city_scale.setup, n=10)
			self.assertRaises(NotATestSite, city_scale.cleanup)
		self.assertEqual(frappe.db.count("ZZ Case"), cases)
		require_test_site()  # the test site allows tests

	def test_http_benchmarks_read_the_sites_configuration(self):
		with tempfile.TemporaryDirectory() as sites:
			os.makedirs(os.path.join(sites, "real.example"))
			with open(os.path.join(sites, "real.example", "site_config.json"), "w") as f:
				json.dump({"db_name": "x"}, f)
			self.assertRaises(NotATestSite, require_test_site_config, "real.example", sites)
			self.assertRaises(NotATestSite, require_test_site_config, "missing.example", sites)
			with open(os.path.join(sites, "real.example", "site_config.json"), "w") as f:
				json.dump({"allow_tests": True}, f)
			require_test_site_config("real.example", sites)
