"""Graded overdue (分级超期) on real cases, with the job's clock moved by its ``now``: due soon, overdue,
moderately and seriously overdue each acted on once and never again on a second run; the seriously overdue
case put on the director's list with a draft 督办函 to its handling department on the ground of an overdue
case; the job looks only at cases whose next check has come; the list shows each grade in its colour."""

import csv
import re
from datetime import datetime

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from zongzhi_center.services import overdue, rules, sla
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
)
from zongzhi_center.tests.test_sla import On2026Calendar, make_category, make_rule

NOTHING = {"checked": 0, "due_soon": 0, "overdue": 0, "moderate": 0, "serious": 0, "escalated": 0}


def at(text: str) -> datetime:
	return datetime.fromisoformat(text)


class TestGradedOverdue(On2026Calendar, FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.other_director = make_user(["ZZ Center Director"], cls.tree.town_b)
		cls.handler = make_user(["ZZ Department Handler"])
		cls.department = make_department(cls.tree.town_a, handlers=(cls.handler,))
		cls.use_2026_calendar()
		cls.category = make_category()
		# three working days to resolve; due soon one working day ahead; moderately overdue two working
		# days after the deadline, seriously overdue four
		make_rule(
			category=cls.category,
			resolve_value=3,
			warn_before_days=1,
			moderate_after_days=2,
			serious_after_days=4,
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def case_accepted(self, when: str) -> str:
		"""A case in mediation with the department, received and accepted at ``when``, as a case the job
		has not looked at since."""
		case = make_case(self.tree.town_a, self.clerk, category=self.category)
		move_case(case.name, "In Mediation", department=self.department)
		frappe.db.set_value(
			"ZZ Case",
			case.name,
			{
				"received_at": when,
				"accepted_at": when,
				"clock_started_at": when,
				"overdue_grade": "",
				"overdue_grade_notified": "",
				"sla_next_check": when,
			},
			update_modified=False,
		)
		return case.name

	def notes(self, user: str, case: str) -> int:
		return frappe.db.count("Notification Log", {"for_user": user, "document_name": case})

	def run_job(self, case: str, now: str) -> dict:
		counts = sla.update_open_cases(now=at(now), cases=[case])
		return {k: v for k, v in counts.items() if v}

	def drafts(self, case: str) -> list[str]:
		return frappe.get_all(
			"ZZ Supervision Case",
			filters={"case": case, "parenttype": "ZZ Supervision Notice"},
			pluck="parent",
		)

	def test_each_grade_is_acted_on_once_as_time_passes(self):
		# accepted Monday 2 November 2026, 09:00: resolve by Thursday 5th 17:30
		case = self.case_accepted("2026-11-02 09:00")
		self.assertEqual(self.run_job(case, "2026-11-03 09:00"), {"checked": 1})
		stored = frappe.get_doc("ZZ Case", case)
		self.assertEqual(get_datetime(stored.due_date), at("2026-11-05 17:30"))
		self.assertEqual(get_datetime(stored.sla_next_check), at("2026-11-04 17:30"))  # one working day ahead
		# before its next check the job does not look at it
		self.assertEqual(self.run_job(case, "2026-11-04 12:00"), {})

		clerk_notes, director_notes = self.notes(self.clerk, case), self.notes(self.director, case)
		self.assertEqual(self.run_job(case, "2026-11-04 17:45"), {"checked": 1, "due_soon": 1})
		self.assertEqual(frappe.db.get_value("ZZ Case", case, "overdue_grade"), "Due Soon")
		self.assertEqual(self.notes(self.clerk, case), clerk_notes + 1)
		self.assertEqual(self.notes(self.director, case), director_notes)  # not the director's yet
		self.assertEqual(self.run_job(case, "2026-11-04 17:50"), {})

		self.assertEqual(self.run_job(case, "2026-11-06 09:00"), {"checked": 1, "overdue": 1})
		self.assertEqual(self.notes(self.clerk, case), clerk_notes + 2)
		self.assertEqual(self.notes(self.director, case), director_notes + 1)
		# run twice at the same moment: nothing new
		self.assertEqual(self.run_job(case, "2026-11-06 09:00"), {})
		self.assertEqual(self.notes(self.director, case), director_notes + 1)

		# two working days past the deadline: moderately overdue, the director told
		self.assertEqual(self.run_job(case, "2026-11-09 17:00"), {})  # still within them
		self.assertEqual(self.run_job(case, "2026-11-10 09:00"), {"checked": 1, "moderate": 1})
		self.assertEqual(frappe.db.get_value("ZZ Case", case, "overdue_grade"), "Moderately Overdue")
		self.assertEqual(self.notes(self.director, case), director_notes + 2)
		self.assertFalse(frappe.db.get_value("ZZ Case", case, "on_director_list"))
		self.assertEqual(self.drafts(case), [])

		# four working days past it: seriously overdue, on the director's list, a 督办函 drafted
		self.assertEqual(self.run_job(case, "2026-11-12 09:00"), {"checked": 1, "serious": 1})
		stored = frappe.get_doc("ZZ Case", case)
		self.assertEqual((stored.overdue_grade, stored.on_director_list), ("Seriously Overdue", 1))
		self.assertEqual(self.notes(self.director, case), director_notes + 3)
		[notice_name] = self.drafts(case)
		notice = frappe.get_doc("ZZ Supervision Notice", notice_name)
		self.assertEqual((notice.docstatus, notice.status), (0, "Draft"))
		self.assertEqual((notice.to_department, notice.issuing_center), (self.department, self.tree.town_a))
		self.assertEqual([(row.ground, row.case) for row in notice.cases], [("Overdue Case", case)])
		# nothing changes after the serious grade: no next check, no second draft or notice
		self.assertIsNone(stored.sla_next_check)
		self.assertEqual(self.run_job(case, "2026-11-30 09:00"), {})
		self.assertEqual(sla.update_case(case, at("2026-11-30 09:00")), "checked")
		self.assertEqual(len(self.drafts(case)), 1)
		self.assertEqual(self.notes(self.director, case), director_notes + 3)

	def test_a_case_found_seriously_overdue_at_once_is_acted_on_at_that_grade(self):
		case = self.case_accepted("2026-11-02 09:00")
		self.assertEqual(self.run_job(case, "2026-11-20 09:00"), {"checked": 1, "serious": 1})
		self.assertEqual(len(self.drafts(case)), 1)
		self.assertEqual(self.run_job(case, "2026-11-20 09:00"), {})

	def test_the_directors_list_is_the_directors_and_the_draft_is_not_issued(self):
		case = self.case_accepted("2026-11-02 09:00")
		self.run_job(case, "2026-11-20 09:00")
		with as_user(self.director):
			listed = frappe.get_list("ZZ Case", filters={"on_director_list": 1}, pluck="name")
			self.assertIn(case, listed)
		with as_user(self.other_director):
			self.assertNotIn(case, frappe.get_list("ZZ Case", filters={"on_director_list": 1}, pluck="name"))
		# the department's handler hears of the letter only when the director issues it
		drafts = self.drafts(case)
		self.assertEqual(len(drafts), 1)
		self.assertFalse(
			frappe.db.exists("Notification Log", {"for_user": self.handler, "document_name": ["in", drafts]})
		)

	def test_a_new_deadline_is_graded_again(self):
		"""A later deadline (an extension, a new tier's clock) lowers the grade; its own grades are acted
		on again when reached."""
		case = self.case_accepted("2026-11-02 09:00")
		self.run_job(case, "2026-11-06 09:00")
		self.assertEqual(frappe.db.get_value("ZZ Case", case, "overdue_grade_notified"), "Overdue")
		frappe.db.set_value(
			"ZZ Case", case, {"accepted_at": "2026-11-09 09:00", "clock_started_at": "2026-11-09 09:00"}
		)
		self.assertEqual(sla.update_case(case, at("2026-11-09 10:00")), "checked")
		self.assertEqual(frappe.db.get_value("ZZ Case", case, "overdue_grade_notified"), "")
		self.assertEqual(sla.update_case(case, at("2026-11-13 09:00")), "overdue")

	def test_list_colours_of_the_grades(self):
		options = [o for o in frappe.get_meta("ZZ Case").get_field("overdue_grade").options.split("\n") if o]
		self.assertEqual(set(options), set(overdue.GRADE_COLOURS))
		path = frappe.get_app_path(
			"zongzhi_center", "zongzhi_center", "doctype", "zz_case", "zz_case_list.js"
		)
		with open(path, encoding="utf-8") as fh:
			script = fh.read()
		shown = dict(re.findall(r'"([A-Za-z ]+)": "(yellow|orange|red|purple|green|gray)"', script))
		self.assertEqual(shown, overdue.GRADE_COLOURS)
		with open(frappe.get_app_path("zongzhi_center", "translations", "zh.csv"), encoding="utf-8") as fh:
			zh = dict(row[:2] for row in csv.reader(fh) if len(row) >= 2)
		self.assertEqual((zh["Moderately Overdue"], zh["Seriously Overdue"]), ("中度超期", "严重超期"))
		self.assertTrue(zh["Due Soon"] and zh["Overdue"])
