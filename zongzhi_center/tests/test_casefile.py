"""一案一档 on a real case: archiving builds the case file — the PDF dossier, the case's attachments and a
SHA-256 manifest in one private ZIP on the case — which verifies, and tells when a file in it was
changed; an archived case is read-only for everyone but a system manager."""

import io
import zipfile

import frappe
import frappe.translate
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import StateEditNotAllowedError
from zongzhi_center.services import casefile
from zongzhi_center.tests.factories import (
	act,
	as_user,
	edit_case,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
	pdf_text,
)


class TestCaseFile(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.department = make_department(cls.tree.town_a)

	def tearDown(self):
		frappe.set_user("Administrator")

	def archived_case(self):
		case = make_case(self.tree.town_a, self.clerk)
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "现场照片说明.txt",
				"attached_to_doctype": "ZZ Case",
				"attached_to_name": case.name,
				"is_private": 1,
				"content": "院墙东侧通道被堆放的建材占用约两米。".encode(),
			}
		).insert(ignore_permissions=True)
		move_case(case.name, "Closed", department=self.department)
		act(self.director, case.name, "Archive Case")
		return frappe.get_doc("ZZ Case", case.name)

	def bundle(self, case) -> zipfile.ZipFile:
		content = casefile.raw_content(frappe.get_doc("File", {"file_url": case.case_file}))
		return zipfile.ZipFile(io.BytesIO(content))

	def test_archiving_builds_a_case_file_that_verifies(self):
		case = self.archived_case()
		self.assertTrue(case.case_file.startswith("/private/files/"))
		self.assertEqual(len(case.case_file_sha256), 64)
		bundle = self.bundle(case)
		self.assertEqual(
			sorted(bundle.namelist()), ["attachments/现场照片说明.txt", "dossier.pdf", "manifest.json"]
		)
		self.assertEqual(casefile.verify(case.name), [])
		text = pdf_text(bundle.read("dossier.pdf"))
		for expected in ("案件档案", case.case_number, "状态记录", "张测试"):
			self.assertIn(expected, text)
		# a background job builds it, and jobs speak English: the dossier still prints the values in Chinese
		zh = frappe.translate.get_all_translations("zh")
		values = [case.get(f) for f in ("matter_type", "source", "channel", "tier") if case.get(f)]
		values += [row.state for row in case.state_history]  # also in the timeline notes
		self.assertTrue(values)
		# the test centres' names hold their level in English ("测试Township-…")
		printed = text
		centers = frappe.get_all(
			"ZZ Center", filters={"name": ["in", list(self.tree.values())]}, pluck="center_name"
		)
		for center in centers:
			printed = printed.replace(center.replace(" ", ""), "")
		for value in values:
			self.assertIn(zh[value], text)
			self.assertNotIn(value.replace(" ", ""), printed)
		note = frappe.get_all(
			"Comment",
			filters={
				"reference_name": case.name,
				"comment_type": "Info",
				"content": ["like", f"%{case.case_file_sha256}%"],
			},
			pluck="content",
		)
		self.assertTrue(note and note[0].startswith("案件档案已生成"), note)

	def test_a_changed_file_does_not_verify(self):
		case = self.archived_case()
		bundle = self.bundle(case)
		altered = io.BytesIO()
		with zipfile.ZipFile(altered, "w") as copy:
			for name in bundle.namelist():
				content = bundle.read(name)
				copy.writestr(name, "通道未被占用。".encode() if name.startswith("attachments/") else content)
		path = frappe.get_doc("File", {"file_url": case.case_file}).get_full_path()
		with open(path, "wb") as f:
			f.write(altered.getvalue())
		self.assertEqual(casefile.verify(case.name), ["changed: attachments/现场照片说明.txt"])

	def test_archived_case_is_read_only_but_for_a_system_manager(self):
		case = self.archived_case()
		with self.assertRaises(StateEditNotAllowedError):
			edit_case(self.director, case.name, incident_location="改动")
		with as_user("Administrator"):
			edit_case("Administrator", case.name, incident_location="系统管理员更正")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "incident_location"), "系统管理员更正")
