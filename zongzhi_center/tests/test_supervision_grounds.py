"""督办函 grounds on real records: the letter lists a department's overdue cases, its missed consultation
check-ins, its late or missing replies and its cases' missed agreement obligations, each with its own
ground; an item added by hand carries the ground chosen for it and must bear it out; the printed letter
states each item's ground in Chinese and calls overdue only what is."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime, today

from zongzhi_center.exceptions import SupervisionError
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
	pdf_text,
	raw_insert,
)

ACTION = "三日内书面说明原因，并提出整改措施。"


class TestSupervisionGrounds(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.director = make_user(["ZZ Center Director"], cls.tree.county)
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.county)
		cls.handler = make_user(["ZZ Department Handler"])
		cls.department = make_department(cls.tree.county, handlers=(cls.handler,))
		cls.other_department = make_department(cls.tree.county)
		cases = [
			move_case(make_case(cls.tree.county, cls.clerk).name, "In Mediation", department=cls.department)
			for _ in range(2)
		]
		cls.overdue, cls.on_time = cases
		frappe.db.set_value("ZZ Case", cls.overdue.name, {"is_overdue": 1, "sla_status": "Overdue"})
		# the on-time case's agreement: an instalment past its due date, unpaid
		raw_insert(
			{
				"doctype": "ZZ Mediation Agreement",
				"case": cls.on_time.name,
				"case_number": cls.on_time.case_number,
				"center": cls.tree.county,
				"docstatus": 1,
				"signing_date": add_days(today(), -40),
			},
			{
				"obligations": [
					{
						"doctype": "ZZ Agreement Obligation",
						"obligor": "李测试",
						"content": "支付第一期赔偿款五千元",
						"due_date": add_days(today(), -10),
						"status": "Overdue",
					}
				]
			},
		)
		# a consultation the department neither checked in to nor answered; the other department did both
		meeting = add_days(now_datetime(), -5)
		cls.consultation = raw_insert(
			{
				"doctype": "ZZ Consultation",
				"title": "渔场纠纷联合会商",
				"convening_center": cls.tree.county,
				"status": "Open",
				"meeting_time": meeting,
			},
			{
				"departments": [
					{
						"doctype": "ZZ Consultation Department",
						"department": cls.department,
						"check_in_by": meeting,
						"check_in_score": "Absent",
						"task": "提供渔场承包合同",
						"task_due": add_days(meeting, 2),
						"reply_score": "Missing",
					},
					{
						"doctype": "ZZ Consultation Department",
						"department": cls.other_department,
						"check_in_by": meeting,
						"check_in_score": "On Time",
						"task_due": add_days(meeting, 2),
						"reply_score": "On Time",
					},
				]
			},
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def issue(self, cases=None, department=None):
		doc = {
			"doctype": "ZZ Supervision Notice",
			"issuing_center": self.tree.county,
			"to_department": department or self.department,
			"reply_by": add_days(today(), 3),
			"required_action": ACTION,
			"cases": cases or [],
		}
		with as_user(self.director):
			notice = frappe.get_doc(doc).insert()
			notice.submit()
		return notice

	def letter(self, notice) -> str:
		with as_user(self.director):
			return pdf_text(
				frappe.get_print("ZZ Supervision Notice", notice.name, "ZZ Supervision Letter", as_pdf=True)
			)

	def test_each_item_listed_with_its_own_ground(self):
		notice = self.issue()
		items = {(row.ground, row.case or row.consultation) for row in notice.cases}
		self.assertEqual(
			items,
			{
				("Overdue Case", self.overdue.name),
				("Missed Obligation", self.on_time.name),
				("Missed Check-in", self.consultation),
				("Late or Missing Reply", self.consultation),
			},
		)
		text = self.letter(notice)
		for ground in ("案件超过规定办理时限", "吹哨报到会商未按时报到", "会商交办事项逾期回复或未回复"):
			self.assertEqual(text.count(ground), 1, ground)
		self.assertIn("调解协议约定义务未按期履行", text)
		self.assertIn("渔场纠纷联合会商", text)
		self.assertIn("支付第一期赔偿款五千元", text)
		# the department that answered has nothing to be supervised on
		with self.assertRaises(SupervisionError):
			self.issue(department=self.other_department)

	def test_a_hand_added_item_states_its_chosen_ground_only(self):
		notice = self.issue(
			cases=[{"ground": "Missed Obligation", "case": self.on_time.name, "detail": "第一期赔偿款未付"}]
		)
		text = self.letter(notice)
		self.assertIn(self.on_time.case_number, text)
		self.assertIn("调解协议约定义务未按期履行", text)
		self.assertNotIn("超期", text)
		self.assertNotIn("超过规定办理时限", text)

	def test_a_hand_added_item_must_bear_its_ground_out(self):
		# the on-time case is not overdue: the letter may not say so
		with self.assertRaises(SupervisionError):
			self.issue(cases=[{"ground": "Overdue Case", "case": self.on_time.name}])
		# a consultation ground names the consultation
		with self.assertRaises(SupervisionError):
			self.issue(cases=[{"ground": "Missed Check-in", "case": self.on_time.name}])
		# no ground, no item
		with self.assertRaises(frappe.MandatoryError):
			self.issue(cases=[{"case": self.overdue.name}])
