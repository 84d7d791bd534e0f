"""中心吹哨、部门报到: a department summoned with no typed reply deadline gets its own (its default reply days,
3 unless set, in working days of the work calendar, counted from the check-in deadline); a deadline typed on
the summons wins; the defaulted reply is scored missing when the time passes and reaches 月督查."""

from datetime import datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, getdate, today

from zongzhi_center.services import consultation as service
from zongzhi_center.services import rules
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_department, make_user


def friday_before_a_plain_week():
	"""A coming Friday whose weekend is off and whose next Monday to Wednesday are working days."""
	calendar = rules.work_calendar()
	day = getdate(add_days(today(), 7))
	while True:
		day += timedelta(days=(4 - day.weekday()) % 7 or 7)
		following = [day + timedelta(days=n) for n in range(1, 6)]
		if calendar.is_working_day(day) and [calendar.is_working_day(d) for d in following] == [
			False,
			False,
			True,
			True,
			True,
		]:
			return day


class TestReplyDeadline(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.dispatcher = make_user(["ZZ Dispatcher"], cls.tree.county)
		cls.director = make_user(["ZZ Center Director"], cls.tree.county)
		cls.police = make_department(cls.tree.county)  # the shipped default: 3 working days
		cls.land = make_department(cls.tree.county, department_type="Natural Resources")
		frappe.db.set_value("ZZ Department", cls.land, "default_reply_days", 5)
		cls.labour = make_department(cls.tree.county, department_type="Labour")

	def tearDown(self):
		frappe.set_user("Administrator")

	def convene(self, check_in_by: datetime, typed_labour_due: datetime):
		with as_user(self.dispatcher):
			return frappe.get_doc(
				{
					"doctype": "ZZ Consultation",
					"title": "欠薪纠纷联合会商",
					"convening_center": self.tree.county,
					"meeting_time": check_in_by + timedelta(minutes=30),
					"cases": [{"case": make_case(self.tree.town_a).name}],
					"departments": [
						{"department": self.police, "check_in_by": check_in_by, "task": "书面答复"},
						{"department": self.land, "check_in_by": check_in_by, "task": "书面答复"},
						{
							"department": self.labour,
							"check_in_by": check_in_by,
							"task": "书面答复",
							"task_due": typed_labour_due,
						},
					],
				}
			).insert()

	def test_reply_deadline_in_working_days_across_a_weekend(self):
		self.assertEqual(frappe.get_meta("ZZ Department").get_field("default_reply_days").default, "3")
		friday = friday_before_a_plain_week()
		check_in_by = datetime.combine(friday, datetime.min.time()) + timedelta(hours=16)
		typed = check_in_by + timedelta(days=1)  # Saturday: typed by the convener, it stands
		doc = self.convene(check_in_by, typed)
		due = {row.department: get_datetime(row.task_due) for row in doc.departments}
		calendar = rules.work_calendar()
		wednesday, friday_after = friday + timedelta(days=5), friday + timedelta(days=7)
		self.assertEqual(due[self.police], calendar.end_of_day(wednesday))  # Mon, Tue, Wed
		self.assertEqual(due[self.land], calendar.end_of_day(friday_after))  # its own five days
		self.assertEqual(due[self.labour], typed)

		# the convener moves one summons' deadline by hand: it stays as typed on the next save
		moved = calendar.end_of_day(friday + timedelta(days=4))
		with as_user(self.dispatcher):
			doc = frappe.get_doc("ZZ Consultation", doc.name)
			next(r for r in doc.departments if r.department == self.police).task_due = moved
			doc.save()
		self.assertEqual(
			get_datetime(
				frappe.db.get_value(
					"ZZ Consultation Department", {"parent": doc.name, "department": self.police}, "task_due"
				)
			),
			moved,
		)

	def test_a_defaulted_reply_is_scored_and_reaches_the_monthly_supervision(self):
		from zongzhi_center.zongzhi_center.report.zz_monthly_supervision.zz_monthly_supervision import execute

		friday = friday_before_a_plain_week()
		check_in_by = datetime.combine(friday, datetime.min.time()) + timedelta(hours=16)
		doc = self.convene(check_in_by, check_in_by + timedelta(days=30))
		calendar = rules.work_calendar()
		# Tuesday: nobody has replied, the police's three working days have not run out
		service.update_open(calendar.end_of_day(friday + timedelta(days=4)), commit=False)
		police = frappe.db.get_value(
			"ZZ Consultation Department", {"parent": doc.name, "department": self.police}, "reply_score"
		)
		self.assertFalse(police)
		# Thursday: they have
		service.update_open(calendar.end_of_day(friday + timedelta(days=6)), commit=False)
		scores = dict(
			frappe.get_all(
				"ZZ Consultation Department",
				filters={"parent": doc.name},
				fields=["department", "reply_score"],
				as_list=True,
			)
		)
		self.assertEqual(scores[self.police], "Missing")
		self.assertFalse(scores[self.land])  # five working days: until Friday
		with as_user(self.director):
			_columns, rows = execute(
				{"center": self.tree.county, "from_date": friday, "to_date": friday + timedelta(days=1)}
			)[:2]
		rows = {row.get("department"): row for row in rows}
		self.assertEqual(rows[self.police].get("reply_missing"), 1)
		self.assertFalse(rows[self.land].get("reply_missing"))
