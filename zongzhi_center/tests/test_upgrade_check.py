"""The upgrade check (`./zz upgrade-check`, setup/upgrade_check.py) fails on what an upgrade may lose — a record,
a field's value, a child row, the personal data, an administrator's setting or workflow — and lets pass what
a new release adds. `./zz test` runs the whole check on a site made by the previous release after the suite;
here its fingerprint is taken on the test site and its comparison is fed each kind of loss."""

import copy

from frappe.tests.utils import FrappeTestCase

from zongzhi_center.setup import upgrade_check


class TestUpgradeCheck(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.before = upgrade_check.fingerprint()
		settings = cls.before["as_left"]["ZZ Settings"]["ZZ Settings"]
		settings.update(upgrade_check.SETTINGS_CHANGED)  # as the drill's administrator left them

	def after(self):
		return copy.deepcopy(self.before)

	def problems(self, after):
		return upgrade_check.compare(self.before, after)[0]

	def test_the_fingerprint_reads_the_site_through_the_app(self):
		self.assertIn("ZZ Case", self.before["counts"])
		self.assertIn("ZZ Case Party", self.before["counts"])
		self.assertEqual(self.before["personal_data"]["unreadable"], 0)
		self.assertIn("ZZ Settings", self.before["as_left"])
		self.assertTrue(self.before["as_left"]["Workflow"])
		self.assertEqual(self.problems(self.after()), [])

	def test_a_lost_record_or_doctype_fails(self):
		after = self.after()
		after["counts"]["ZZ Case"] -= 1
		self.assertIn("ZZ Case:", self.problems(after)[0])
		after = self.after()
		del after["counts"]["ZZ Center"]
		self.assertTrue(any("gone" in p for p in self.problems(after)))
		# records a patch adds are reported, not a failure
		after = self.after()
		after["counts"]["ZZ Case"] += 2
		problems, added = upgrade_check.compare(self.before, after)
		self.assertEqual(problems, [])
		self.assertTrue(any("ZZ Case: 2 records added" in a for a in added))

	def test_a_changed_value_or_a_lost_row_fails_and_a_new_field_passes(self):
		case = {
			"name": "C-1",
			"title": "楼上漏水",
			"parties": [{"doctype": "ZZ Case Party", "party_name": "赵", "phone": "139****4444"}],
		}
		before = {**self.before, "cases": {"C-1": case}}
		after = copy.deepcopy(before)
		after["cases"]["C-1"]["new_field_of_this_release"] = 1
		self.assertEqual(upgrade_check.compare(before, after)[0], [])
		# a blank a patch or a job filled in (the case file of an archived case) is no loss
		before["cases"]["C-1"]["case_file"] = None
		after["cases"]["C-1"]["case_file"] = "/private/files/C-1-case-file.zip"
		self.assertEqual(upgrade_check.compare(before, after)[0], [])
		after["cases"]["C-1"]["parties"][0]["phone"] = ""
		self.assertIn("phone", upgrade_check.compare(before, after)[0][0])
		after = copy.deepcopy(before)
		after["cases"]["C-1"]["parties"] = []
		self.assertIn("had 1 rows", upgrade_check.compare(before, after)[0][0])
		after = copy.deepcopy(before)
		del after["cases"]["C-1"]
		self.assertEqual(upgrade_check.compare(before, after)[0], ["ZZ Case C-1: gone"])

	def test_unreadable_personal_data_and_undone_settings_fail(self):
		after = self.after()
		after["personal_data"]["unreadable"] = 3
		self.assertIn("cannot be read", self.problems(after)[0])
		after = self.after()
		after["as_left"]["ZZ Settings"]["ZZ Settings"]["default_accept_hours"] = 24
		self.assertTrue(any("default_accept_hours" in p for p in self.problems(after)))
		workflow = next(iter(self.before["as_left"]["Workflow"]))
		after = self.after()
		after["as_left"]["Workflow"][workflow]["send_email_alert"] = 7
		self.assertTrue(any(workflow in p for p in self.problems(after)))
