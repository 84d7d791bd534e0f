"""The layering docs/ARCHITECTURE.md describes, held by tests: the rules in engine/ import no Frappe (they run
and are tested without a site), and every scheduled job lives in services/."""

import ast
import os

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center import hooks


class TestLayout(FrappeTestCase):
	def test_the_engine_imports_no_frappe(self):
		engine = os.path.join(frappe.get_app_path("zongzhi_center"), "engine")
		found = []
		for name in sorted(os.listdir(engine)):
			if not name.endswith(".py"):
				continue
			tree = ast.parse(open(os.path.join(engine, name)).read())
			for node in ast.walk(tree):
				modules = []
				if isinstance(node, ast.Import):
					modules = [a.name for a in node.names]
				elif isinstance(node, ast.ImportFrom):
					modules = [node.module or ""]
				found += [f"{name}: {m}" for m in modules if m == "frappe" or m.startswith("frappe.")]
		self.assertEqual(found, [])

	def test_every_scheduled_job_lives_in_services(self):
		jobs = []
		for entry in hooks.scheduler_events.values():
			for paths in entry.values() if isinstance(entry, dict) else [entry]:
				jobs += paths
		self.assertTrue(jobs)
		self.assertEqual([j for j in jobs if not j.startswith("zongzhi_center.services.")], [])
		for job in jobs:
			self.assertTrue(callable(frappe.get_attr(job)), job)
