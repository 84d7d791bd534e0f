"""The monitoring probe answers without a login, says nothing of cases or people, and fails loudly (503)
when a part the centre needs is down or late."""

import json
import os
import time
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import health
from zongzhi_center.tests import factories as f

PROBE = "/api/method/zongzhi_center.api.health.status"


class TestHealth(FrappeTestCase):
	def backup_file(self, hours_old: float) -> str:
		folder = frappe.get_site_path("private", "backups")
		os.makedirs(folder, exist_ok=True)
		path = os.path.join(folder, f"{frappe.generate_hash(length=8)}-zz-health-database.sql.gz")
		open(path, "wb").close()
		stamp = time.time() - hours_old * 3600
		os.utime(path, (stamp, stamp))
		self.addCleanup(os.remove, path)
		return path

	def test_a_guest_gets_every_check_and_nothing_else(self):
		self.backup_file(1)
		status, body = f.http("GET", PROBE)
		answer = json.loads(body)
		self.assertIn(status, (200, 503))
		self.assertEqual(
			set(answer["checks"]),
			{"database", "cache", "queue", "workers", "queue_lag", "scheduler", "backup"},
		)
		for name in ("database", "cache", "queue"):
			self.assertTrue(answer["checks"][name]["ok"], name)
		self.assertTrue(answer["checks"]["backup"]["ok"])
		self.assertEqual(answer["status"], "ok" if status == 200 else "fail")
		text = body.decode()
		for secret in (frappe.local.site, frappe.conf.db_name, "redis://", "ZZ Case"):
			self.assertNotIn(secret, text)

	def test_an_old_backup_fails_the_probe(self):
		old = self.backup_file(5)
		# the folder may hold newer backups of the site: the probe sees only this one
		with (
			patch.dict(frappe.local.conf, {"zz_health_max_backup_age": 2}),
			patch.object(health.glob, "glob", return_value=[old]),
		):
			self.assertEqual(health.check_backup(), {"ok": False, "hours_since_last": 5.0})
			response = health.status()
		self.assertEqual(response.status_code, 503)
		self.assertFalse(json.loads(response.get_data())["checks"]["backup"]["ok"])

	def test_the_queue_down_answers_503_without_the_reason(self):
		with patch.dict(frappe.local.conf, {"redis_queue": "redis://127.0.0.1:9"}):
			response = health.status()
		answer = json.loads(response.get_data())
		self.assertEqual(response.status_code, 503)
		self.assertEqual(answer["status"], "fail")
		self.assertFalse(answer["checks"]["queue"]["ok"])
		self.assertNotIn("workers", answer["checks"])
		self.assertNotIn("127.0.0.1", response.get_data(as_text=True))
		self.assertTrue(answer["checks"]["database"]["ok"])
