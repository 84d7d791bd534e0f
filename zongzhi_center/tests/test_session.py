"""Mediation sessions on real cases: rooms booked without double booking, the session on the case's
timeline, and the wrong centre refused."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import RoomBookedError, SessionError
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	move_case,
	unique,
)


class TestMediationSession(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.mediator_user = make_user(["ZZ Mediator"], cls.tree.town_a)
		cls.other_mediator = make_user(["ZZ Mediator"], cls.tree.town_b)
		department = make_department(cls.tree.town_a, department_type="People's Mediation Committee")
		cls.mediator = make_staff(cls.tree.town_a, department, user=cls.mediator_user)
		cls.rooms = [
			frappe.get_doc(
				{"doctype": "ZZ Mediation Room", "room_name": unique(f"调解室{i}"), "center": cls.tree.town_a}
			)
			.insert(ignore_permissions=True)
			.name
			for i in (1, 2)
		]
		case = make_case(cls.tree.town_a, cls.clerk)
		cls.case = move_case(case.name, "In Mediation", department=department)

	def tearDown(self):
		frappe.set_user("Administrator")

	def book(self, starts, ends, room=None, user=None, **values):
		doc = {
			"doctype": "ZZ Mediation Session",
			"case": self.case.name,
			"session_mode": "Face-to-face",
			"room": self.rooms[0] if room is None else room,
			"starts_at": f"2026-12-01 {starts}",
			"ends_at": f"2026-12-01 {ends}",
			"mediator": self.mediator,
			"attendees": "双方当事人、村调解委员",
		}
		doc.update(values)
		with as_user(user or self.mediator_user):
			return frappe.get_doc(doc).insert()

	def test_a_room_is_never_booked_twice(self):
		first = self.book("09:00:00", "10:00:00")
		before = frappe.db.count("ZZ Mediation Session")
		with self.assertRaises(RoomBookedError):
			self.book("09:30:00", "10:30:00")
		with self.assertRaises(RoomBookedError):
			self.book("08:00:00", "11:00:00")  # around it
		self.assertEqual(frappe.db.count("ZZ Mediation Session"), before)
		self.book("10:00:00", "11:00:00")  # right after it
		self.book("09:30:00", "10:30:00", room=self.rooms[1])  # another room
		self.book("09:30:00", "10:30:00", room="", session_mode="Home Visit")  # 入户: no room
		# moving the first session onto the next one is refused too
		with as_user(self.mediator_user), self.assertRaises(RoomBookedError):
			doc = frappe.get_doc("ZZ Mediation Session", first.name)
			doc.ends_at = "2026-12-01 10:15:00"
			doc.save()

	def test_time_runs_forward_and_the_case_timeline_shows_the_session(self):
		with self.assertRaises(SessionError):
			self.book("15:00:00", "14:00:00")
		session = self.book("14:00:00", "15:00:00", session_mode="Back-to-back", agreed="同意拆除围栏")
		notes = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": self.case.name},
			pluck="content",
		)
		self.assertTrue(any(session.name in note for note in notes))

	def test_other_centres_do_not_see_or_book_sessions(self):
		session = self.book("16:00:00", "17:00:00")
		self.assertFalse(
			frappe.has_permission("ZZ Mediation Session", "read", session.name, user=self.other_mediator)
		)
		with self.assertRaises(frappe.PermissionError):
			self.book("17:00:00", "18:00:00", user=self.clerk)  # a clerk reads sessions, does not book them
