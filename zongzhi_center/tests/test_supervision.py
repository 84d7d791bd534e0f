"""督办函 on real records: issued by a director about a department's overdue cases (listed by itself),
seen and answered by that department's handlers only, refused for a centre that is not below, marked
when the reply is late, and printed as a PDF with its Chinese text."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from zongzhi_center.exceptions import SupervisionError
from zongzhi_center.services.supervision import mark_overdue_replies
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
	pdf_text,
)
from zongzhi_center.zongzhi_center.doctype.zz_supervision_notice.zz_supervision_notice import reply


class TestSupervisionNotice(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.director = make_user(["ZZ Center Director"], cls.tree.county)
		cls.township_director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.county)
		cls.handler = make_user(["ZZ Department Handler"])
		cls.bystander = make_user(["ZZ Department Handler"])
		cls.department = make_department(cls.tree.county, handlers=(cls.handler,))
		make_department(cls.tree.county, handlers=(cls.bystander,))
		cases = []
		for _ in range(2):
			case = make_case(cls.tree.county, cls.clerk)
			cases.append(move_case(case.name, "In Mediation", department=cls.department))
		cls.overdue, cls.on_time = cases
		frappe.db.set_value("ZZ Case", cls.overdue.name, {"is_overdue": 1, "sla_status": "Overdue"})

	def tearDown(self):
		frappe.set_user("Administrator")

	def issue(self, user=None, **values):
		doc = {
			"doctype": "ZZ Supervision Notice",
			"issuing_center": self.tree.county,
			"to_department": self.department,
			"reply_by": add_days(today(), 3),
			"required_action": "三日内书面说明超期原因，并提出化解方案。",
		}
		doc.update(values)
		with as_user(user or self.director):
			notice = frappe.get_doc(doc).insert()
			notice.submit()
		return notice

	def test_issued_to_the_department_about_its_overdue_cases_and_answered(self):
		notice = self.issue()
		self.assertEqual([row.case for row in notice.cases], [self.overdue.name])
		self.assertEqual(frappe.db.get_value("ZZ Supervision Notice", notice.name, "status"), "Issued")
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.handler, "document_name": notice.name})
		)
		self.assertTrue(
			frappe.has_permission("ZZ Supervision Notice", "read", notice.name, user=self.handler)
		)
		self.assertFalse(
			frappe.has_permission("ZZ Supervision Notice", "read", notice.name, user=self.bystander)
		)
		with as_user(self.bystander), self.assertRaises(frappe.PermissionError):
			reply(notice.name, "不是我们的案件")
		with as_user(self.handler):
			self.assertRaises(SupervisionError, reply, notice.name, " ")
			reply(notice.name, "已约谈双方，预计五日内化解。")
		stored = frappe.db.get_value(
			"ZZ Supervision Notice", notice.name, ["status", "replied_by"], as_dict=True
		)
		self.assertEqual((stored.status, stored.replied_by), ("Replied", self.handler))

	def test_recipient_must_be_one_and_below(self):
		with self.assertRaises(SupervisionError):
			self.issue(to_center=self.tree.town_a)  # both a department and a centre
		with self.assertRaises(SupervisionError):
			self.issue(
				user=self.township_director,
				issuing_center=self.tree.town_a,
				to_department=None,
				to_center=self.tree.town_b,
			)
		with self.assertRaises(SupervisionError):
			self.issue(to_department=None, to_center=self.tree.town_b)  # no overdue case there

	def test_late_reply_is_marked_and_the_letter_prints(self):
		notice = self.issue()
		frappe.db.set_value("ZZ Supervision Notice", notice.name, "reply_by", add_days(today(), -1))
		mark_overdue_replies()
		self.assertEqual(frappe.db.get_value("ZZ Supervision Notice", notice.name, "status"), "Reply Overdue")
		with as_user(self.director):
			pdf = frappe.get_print("ZZ Supervision Notice", notice.name, "ZZ Supervision Letter", as_pdf=True)
		text = pdf_text(pdf)
		for expected in ("督办函", self.overdue.case_number, "三日内书面说明超期原因"):
			self.assertIn(expected, text)
