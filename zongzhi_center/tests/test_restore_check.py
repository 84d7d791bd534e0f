"""The restore drill's judgement: what it reads on a site, and that it fails when a restored site lacks a
case, a file, or the key to read people's data (the drill itself runs at the end of `./zz test`)."""

import copy

from frappe.tests.utils import FrappeTestCase

from zongzhi_center.setup import restore_check


class TestRestoreCheck(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site = restore_check.fingerprint()

	def test_the_fingerprint_reads_what_a_county_relies_on(self):
		self.assertEqual(
			set(self.site),
			{"cases", "case_files", "files", "personal_data", "workflows", "as_administrators_left_it"},
		)
		self.assertIn("ZZ Case Workflow", self.site["workflows"])
		self.assertEqual(self.site["personal_data"]["unreadable"], 0)
		self.assertEqual(restore_check.compare(self.site, copy.deepcopy(self.site)), [])

	def test_a_restore_without_the_encryption_key_fails(self):
		restored = copy.deepcopy(self.site)
		restored["personal_data"]["unreadable"] = 3
		problems = restore_check.compare(self.site, restored)
		self.assertEqual(len(problems), 1)
		self.assertIn("encryption key", problems[0])

	def test_a_lost_case_file_or_changed_setting_fails(self):
		restored = copy.deepcopy(self.site)
		restored["cases"] -= 1
		restored["files"]["missing"].append("/private/files/lost.zip")
		restored["case_files"]["not_matching_manifest"] = ["430921-2026-000001"]
		restored["as_administrators_left_it"]["ZZ Settings"] = "changed"
		problems = restore_check.compare(self.site, restored)
		self.assertEqual(len(problems), 4, problems)
