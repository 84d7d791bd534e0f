"""吹哨报到 consultations and task forces on real records: who is summoned sees what and only while it
is open, check-in and reply scoring, the case timeline, the standing consultation, and refusals."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, now_datetime, today

from zongzhi_center.api import consultation as api
from zongzhi_center.exceptions import ConsultationError
from zongzhi_center.services import access
from zongzhi_center.services import consultation as service
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_department, make_user


class TestConsultation(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.dispatcher = make_user(["ZZ Dispatcher"], cls.tree.county)
		cls.police_handler = make_user(["ZZ Department Handler"])
		cls.land_handler = make_user(["ZZ Department Handler"])
		cls.bystander = make_user(["ZZ Department Handler"])
		cls.police = make_department(cls.tree.county, handlers=(cls.police_handler,))
		cls.land = make_department(
			cls.tree.county, handlers=(cls.land_handler,), department_type="Natural Resources"
		)
		cls.other = make_department(cls.tree.county, handlers=(cls.bystander,), department_type="Labour")

	def tearDown(self):
		frappe.set_user("Administrator")

	def convene(self, case: str, check_in_in=timedelta(hours=2), reply_in=timedelta(days=3), **values):
		now = now_datetime()
		doc = {
			"doctype": "ZZ Consultation",
			"title": "宅基地纠纷联合会商",
			"convening_center": self.tree.county,
			"meeting_time": now + timedelta(hours=3),
			"cases": [{"case": case}],
			"departments": [
				{
					"department": d,
					"check_in_by": now + check_in_in,
					"task": "书面答复",
					"task_due": now + reply_in,
				}
				for d in (self.police, self.land)
			],
		}
		doc.update(values)
		with as_user(self.dispatcher):
			return frappe.get_doc(doc).insert()

	def test_summoned_handlers_see_the_consultation_and_its_case_only_while_open(self):
		case = make_case(self.tree.town_a)
		consultation = self.convene(case.name)
		with as_user(self.police_handler):
			self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name))
			self.assertIn(case.name, frappe.get_list("ZZ Case", pluck="name"))
			self.assertIn(consultation.name, frappe.get_list("ZZ Consultation", pluck="name"))
		with as_user(self.bystander):
			self.assertFalse(frappe.has_permission("ZZ Case", "read", case.name))
			self.assertNotIn(consultation.name, frappe.get_list("ZZ Consultation", pluck="name"))
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": self.land_handler, "document_name": consultation.name}
			)
		)
		with as_user(self.dispatcher):
			api.close(consultation.name)
		with as_user(self.police_handler):
			self.assertFalse(frappe.has_permission("ZZ Case", "read", case.name))
		# the timeline of the case shows the consultation, convened and closed
		notes = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": case.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertEqual(sum("宅基地纠纷联合会商" in n for n in notes), 2)

	def test_check_in_and_reply_are_scored(self):
		case = make_case(self.tree.town_a)
		consultation = self.convene(case.name)
		with as_user(self.police_handler):
			api.check_in(consultation.name, self.police)
			api.reply(consultation.name, self.police, "已查明事实，三日内出具意见。")
		doc = frappe.get_doc("ZZ Consultation", consultation.name)
		police = next(r for r in doc.departments if r.department == self.police)
		self.assertEqual((police.check_in_score, police.reply_score), ("On Time", "On Time"))
		# land never checks in: after the deadlines the job marks it absent and its reply missing
		later = now_datetime() + timedelta(days=4)
		service.score(doc, later)
		land = next(r for r in doc.departments if r.department == self.land)
		self.assertEqual((land.check_in_score, land.reply_score), ("Absent", "Missing"))
		# a late check-in counts as late
		land.checked_in_at = get_datetime(land.check_in_by) + timedelta(minutes=5)
		service.score(doc, later)
		self.assertEqual(land.check_in_score, "Late")

	def test_handlers_are_reminded_once_before_the_check_in_deadline(self):
		case = make_case(self.tree.town_a)
		consultation = self.convene(case.name, check_in_in=timedelta(minutes=30))
		notes = {"for_user": self.police_handler, "document_name": consultation.name}
		before = frappe.db.count("Notification Log", notes)
		service.update_open(now_datetime(), commit=False)
		service.update_open(now_datetime(), commit=False)
		self.assertEqual(frappe.db.count("Notification Log", notes), before + 1)

	def test_only_a_summoned_departments_handler_answers_for_it(self):
		case = make_case(self.tree.town_a)
		consultation = self.convene(case.name)
		with as_user(self.bystander), self.assertRaises(frappe.PermissionError):
			api.check_in(consultation.name, self.police)
		with as_user(self.bystander), self.assertRaises(ConsultationError):
			api.check_in(consultation.name, self.other)
		with as_user(self.police_handler), self.assertRaises(ConsultationError):
			api.reply(consultation.name, self.police, "  ")
		with as_user(self.police_handler), self.assertRaises(frappe.PermissionError):
			api.close(consultation.name)
		self.assertEqual(frappe.db.get_value("ZZ Consultation", consultation.name, "status"), "Open")

	def test_centre_convenes_only_on_its_own_subtree(self):
		town_b_dispatcher = make_user(["ZZ Dispatcher"], self.tree.town_b)
		case = make_case(self.tree.town_a)
		doc = frappe.get_doc(
			{
				"doctype": "ZZ Consultation",
				"title": "越界会商",
				"convening_center": self.tree.town_b,
				"meeting_time": now_datetime(),
				"cases": [{"case": case.name}],
				"departments": [{"department": self.police, "check_in_by": now_datetime()}],
			}
		)
		with as_user(town_b_dispatcher), self.assertRaises(ConsultationError):
			doc.insert()

	def test_standing_consultation_creates_the_next_one_when_closed(self):
		case = make_case(self.tree.town_a)
		first = self.convene(case.name, recurrence="Weekly")
		with as_user(self.dispatcher):
			successor = api.close(first.name)
		nxt = frappe.get_doc("ZZ Consultation", successor)
		self.assertEqual(nxt.status, "Open")
		self.assertEqual(nxt.previous_consultation, first.name)
		self.assertEqual(
			get_datetime(nxt.meeting_time) - get_datetime(first.meeting_time), timedelta(weeks=1)
		)
		self.assertFalse(any(r.checked_in_at for r in nxt.departments))


class TestTaskForce(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.leader = make_user(["ZZ Leader"], cls.tree.county)
		cls.member = make_user(["ZZ Department Handler"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_members_work_the_case_while_they_serve_and_the_leader_follows_it(self):
		case = make_case(self.tree.town_a)
		doc = frappe.get_doc("ZZ Case", case.name)
		doc.leader = self.leader
		doc.append(
			"task_force",
			{"user": self.member, "from_date": add_days(today(), -10), "to_date": add_days(today(), 10)},
		)
		doc.save(ignore_permissions=True)
		self.assertTrue(frappe.has_permission("ZZ Case", "write", case.name, user=self.member))
		self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name, user=self.leader))
		with as_user(self.member):
			self.assertIn(case.name, frappe.get_list("ZZ Case", pluck="name"))

		# the member's service ends: the daily job takes the access away
		frappe.db.set_value("ZZ Task Force Member", doc.task_force[0].name, "to_date", add_days(today(), -1))
		access.sync(case.name)
		self.assertFalse(frappe.has_permission("ZZ Case", "read", case.name, user=self.member))
		self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name, user=self.leader))
