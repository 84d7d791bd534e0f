"""The rota, attendance and summonses on real records, through the desk API and as the right and wrong users."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from zongzhi_center.api import rota as rota_api
from zongzhi_center.exceptions import AttendanceNotOwnError, StaffPeriodError, SummonsResponseError
from zongzhi_center.services import rota as rota_service
from zongzhi_center.services import rules
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
)

MONDAY_MORNING = "2026-11-23 09:00:00"
MONDAY_AFTERNOON = "2026-11-23 15:00:00"


class TestRota(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		rules.clear_cache()
		cls.tree = make_center_tree()
		cls.dispatcher = make_user(["ZZ Dispatcher"], cls.tree.county)
		cls.other_dispatcher = make_user(["ZZ Dispatcher"], cls.tree.town_b)
		cls.staff_user = make_user(["ZZ Stationed Staff"], cls.tree.county)
		department = make_department(cls.tree.county, department_type="Health and Medical Mediation")
		cls.resident = make_staff(cls.tree.county, department, "Resident", ["调解员"])
		cls.rotating = make_staff(
			cls.tree.county, department, "Rotating", ["医学专家"], rota=[("Monday", "Morning")]
		)
		cls.on_call = make_staff(cls.tree.county, department, "On-call", ["心理咨询师"], user=cls.staff_user)

	def tearDown(self):
		frappe.set_user("Administrator")

	def on_duty(self, user, at, expertise=None):
		with as_user(user):
			return {r["staff"]: r for r in rota_api.on_duty(self.tree.county, at, expertise)}

	def test_who_is_on_duty_follows_the_rota(self):
		morning = self.on_duty(self.dispatcher, MONDAY_MORNING, ["医学专家"])
		self.assertEqual(morning[self.rotating]["availability"], "On Duty")
		self.assertEqual(morning[self.resident]["availability"], "On Duty")
		self.assertEqual(morning[self.on_call]["availability"], "On Call")
		self.assertEqual(next(iter(morning)), self.rotating)  # the expertise asked for comes first
		afternoon = self.on_duty(self.dispatcher, MONDAY_AFTERNOON, ["医学专家"])
		self.assertNotIn(self.rotating, afternoon)

	def test_recorded_absence_takes_staff_off_the_rota(self):
		leave = frappe.get_doc(
			{
				"doctype": "ZZ Staff Attendance",
				"staff": self.resident,
				"attendance_date": "2026-11-23",
				"half_day": "Morning",
				"status": "Leave",
			}
		).insert(ignore_permissions=True)
		# the other tests of the class see the resident on duty that morning
		self.addCleanup(frappe.delete_doc, "ZZ Staff Attendance", leave.name, force=True)
		self.assertNotIn(self.resident, self.on_duty(self.dispatcher, MONDAY_MORNING))
		self.assertIn(self.resident, self.on_duty(self.dispatcher, MONDAY_AFTERNOON))
		duplicate = frappe.get_doc(
			{
				"doctype": "ZZ Staff Attendance",
				"staff": self.resident,
				"attendance_date": "2026-11-23",
				"half_day": "Full Day",
			}
		)
		self.assertRaises(StaffPeriodError, duplicate.insert, ignore_permissions=True)

	def test_staff_check_themselves_in_and_out_and_nobody_else(self):
		def attend(at: str):
			with as_user(self.staff_user):
				return rota_service.check_in_out(self.staff_user, get_datetime(at))

		morning = attend("2026-11-24 08:40:00")
		self.assertEqual(
			(morning.half_day, str(morning.check_in), morning.check_out),
			("Morning", "2026-11-24 08:40:00", None),
		)
		left = attend("2026-11-24 11:50:00")
		self.assertEqual(left.name, morning.name)
		self.assertEqual(str(left.check_out), "2026-11-24 11:50:00")
		afternoon = attend("2026-11-24 14:05:00")
		self.assertNotEqual(afternoon.name, morning.name)
		self.assertEqual(afternoon.half_day, "Afternoon")
		self.assertEqual(frappe.db.get_value("ZZ Staff Attendance", morning.name, "status"), "Present")

		# through the desk's button, as the session user: someone with no staff record has nothing to record
		with as_user(self.dispatcher), self.assertRaises(frappe.DoesNotExistError):
			rota_api.check_in_out()
		# a staff member cannot record another's attendance; the dispatcher can
		other = {
			"doctype": "ZZ Staff Attendance",
			"staff": self.resident,
			"attendance_date": "2026-11-25",
			"half_day": "Morning",
			"status": "Absent",
		}
		with as_user(self.staff_user), self.assertRaises(AttendanceNotOwnError):
			frappe.get_doc(other).insert()
		self.assertFalse(
			frappe.db.exists("ZZ Staff Attendance", {"staff": self.resident, "attendance_date": "2026-11-25"})
		)
		with as_user(self.dispatcher):
			frappe.get_doc(other).insert()
		self.assertTrue(
			frappe.db.exists("ZZ Staff Attendance", {"staff": self.resident, "attendance_date": "2026-11-25"})
		)

	def test_other_centres_staff_are_not_listed(self):
		self.assertEqual(self.on_duty(self.other_dispatcher, MONDAY_MORNING), {})

	def test_summons_is_answered_by_the_staff_member_with_the_time_it_took(self):
		case = make_case(self.tree.county)
		with as_user(self.dispatcher):
			summons = frappe.get_doc(
				{"doctype": "ZZ Summons", "case": case.name, "staff": self.on_call, "task": "心理疏导"}
			).insert()
		self.assertEqual(summons.summoned_by, self.dispatcher)
		self.assertEqual(summons.staff_user, self.staff_user)
		# the shipped Notification record tells the staff member
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": self.staff_user, "document_type": "ZZ Summons", "document_name": summons.name},
			)
		)

		# the dispatcher cannot answer for the staff member
		with as_user(self.dispatcher):
			doc = frappe.get_doc("ZZ Summons", summons.name)
			doc.response = "Confirmed"
			self.assertRaises(SummonsResponseError, doc.save)
		with as_user(self.staff_user):
			doc = frappe.get_doc("ZZ Summons", summons.name)
			doc.response = "Declined"
			self.assertRaises(SummonsResponseError, doc.save)  # a reason is needed
			# as the form does after a refused save: the stored document again, then the answer in full
			doc = frappe.get_doc("ZZ Summons", summons.name)
			doc.response = "Declined"
			doc.decline_reason = "正在外地"
			doc.save()
		answered = frappe.get_doc("ZZ Summons", summons.name)
		self.assertEqual(answered.response, "Declined")
		self.assertTrue(answered.responded_at)
		self.assertGreaterEqual(answered.response_minutes, 0)

	def test_staff_see_only_their_own_summonses(self):
		other_user = make_user(["ZZ Stationed Staff"], self.tree.county)
		case = make_case(self.tree.county)
		with as_user(self.dispatcher):
			name = (
				frappe.get_doc({"doctype": "ZZ Summons", "case": case.name, "staff": self.on_call})
				.insert()
				.name
			)
		with as_user(other_user):
			self.assertNotIn(name, frappe.get_list("ZZ Summons", pluck="name"))
			self.assertFalse(frappe.has_permission("ZZ Summons", "read", name))
		with as_user(self.staff_user):
			self.assertIn(name, frappe.get_list("ZZ Summons", pluck="name"))

	def test_roster_refused_without_staff_read_permission(self):
		nobody = make_user([])
		with as_user(nobody), self.assertRaises(frappe.PermissionError):
			rota_api.day_roster(self.tree.county, "2026-11-23")

	def test_rotating_staff_without_attendance_on_a_duty_half_day_are_recorded_absent(self):
		monday = frappe.utils.getdate("2026-11-30")
		self.assertGreaterEqual(rota_service.mark_absences(monday, commit=False), 1)
		absent = frappe.get_all(
			"ZZ Staff Attendance", filters={"staff": self.rotating, "attendance_date": monday}, pluck="status"
		)
		self.assertEqual(absent, ["Absent"])
		# run again: nothing more; and resident staff are not on a rota to be absent from
		rota_service.mark_absences(monday, commit=False)
		self.assertEqual(
			frappe.db.count("ZZ Staff Attendance", {"staff": self.rotating, "attendance_date": monday}), 1
		)
		self.assertFalse(
			frappe.db.exists("ZZ Staff Attendance", {"staff": self.resident, "attendance_date": monday})
		)
