"""Benchmarks: each prints its figures against a baseline measured in the same run on the same server.

Those that write data (generated cases, centres, users) run only on a site made for tests: a site whose
configuration has `allow_tests` (as `./zz test` gives its test site) — never on a centre's real site.
"""

import json
import os


class NotATestSite(SystemExit):
	pass


def require_test_site() -> None:
	"""In a Frappe context (bench execute, or a script that called frappe.connect)."""
	import frappe

	if not frappe.conf.get("allow_tests"):
		raise NotATestSite(
			f"{frappe.local.site} is not a test site: this benchmark writes generated data. "
			f"Run it on a site with allow_tests (bench --site SITE set-config allow_tests true)."
		)


def require_test_site_config(site: str, sites_path: str | None = None) -> None:
	"""For benchmarks that write over HTTP: the site's configuration on this machine must allow tests."""
	sites_path = sites_path or os.path.join(
		os.environ.get("BENCH_DIR") or os.path.expanduser("~frappe/frappe-bench"), "sites"
	)
	path = os.path.join(sites_path, site, "site_config.json")
	try:
		with open(path) as f:
			allowed = json.load(f).get("allow_tests")
	except OSError:
		raise NotATestSite(f"cannot read {path}: give --sites-path of the site's bench") from None
	if not allowed:
		raise NotATestSite(
			f"{site} is not a test site (no allow_tests in {path}): this benchmark writes cases"
		)
