"""风险研判会 on real records: the agenda lists exactly the open red/orange, overdue, repeat-petition and
flagged cases of the centre and the centres below it, with why; submitting writes each decision and
follow-up action on the case's timeline and assigns the action to its responsible user; a user of a
sibling centre neither sees the meeting nor puts cases of another centre on an agenda."""

import json

import frappe
from frappe.handler import run_doc_method
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from zongzhi_center.exceptions import RiskMeetingError
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_user, move_case

MEETING = "ZZ Risk Assessment Meeting"


def desk_build_agenda(meeting) -> frappe._dict:
	"""The form's Build Agenda button: the form's document (new or saved) sent to the document method."""
	docs = meeting.as_dict(convert_dates_to_str=True)
	if not meeting.name:
		docs.update({"__islocal": 1, "name": "new-zz-risk-assessment-meeting-1"})
	frappe.local.response = frappe._dict(docs=[])
	frappe.local.request = frappe._dict(method="POST")  # the form posts it
	try:
		run_doc_method("build_agenda", docs=json.dumps(docs))
	finally:
		del frappe.local.request
	return frappe.local.response.docs[0].as_dict()


class TestRiskMeeting(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		tree = cls.tree
		cls.director = make_user(["ZZ Center Director"], tree.town_a)
		cls.dispatcher = make_user(["ZZ Dispatcher"], tree.town_a)
		cls.mediator = make_user(["ZZ Mediator"], tree.town_a)
		cls.county_director = make_user(["ZZ Center Director"], tree.county)
		cls.other_director = make_user(["ZZ Center Director"], tree.town_b)

		def case(center, state="In Mediation", **values):
			doc = move_case(make_case(center).name, state)
			# the fixture's risk and deadline facts, as the risk rules and the deadline job would leave them
			doc.db_set({"risk_color": "Green", "is_overdue": 0, "repeat_visits": 0, **values})
			return doc.name

		has_repeat_flag = frappe.get_meta("ZZ Case").has_field("is_repeat_petition")
		cls.expected = {
			case(tree.town_a, risk_color="Red"): ["Red Risk"],
			case(tree.village_a, "Accepted", risk_color="Orange"): ["Orange Risk"],
			case(tree.grid_a, is_overdue=1): ["Overdue"],
			case(tree.town_a, "In Consultation", repeat_visits=3): ["Repeat Petition"],
			case(tree.town_a, for_risk_meeting=1): ["Flagged for Meeting"],
			case(tree.town_a, risk_color="Red", is_overdue=1, repeat_visits=2): [
				"Red Risk",
				"Overdue",
				"Repeat Petition",
			],
		}
		if has_repeat_flag:
			cls.expected[case(tree.town_a, is_repeat_petition=1)] = ["Repeat Petition"]
		cls.not_expected = {
			"quiet": case(tree.town_a, risk_color="Yellow", repeat_visits=0),
			"sibling": case(tree.town_b, risk_color="Red", is_overdue=1),
			"above": case(tree.county, risk_color="Red"),
			"closed": case(tree.town_a, "Closed", risk_color="Red", is_overdue=1),
		}
		cls.red_case = next(name for name, why in cls.expected.items() if why == ["Red Risk"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def new_meeting(self, user=None, center=None, build=True):
		with as_user(user or self.director):
			doc = frappe.get_doc(
				{
					"doctype": MEETING,
					"center": center or self.tree.town_a,
					"meeting_date": today(),
					"chair": user or self.director,
					"attendees": [
						{"user": self.director, "attended": 1},
						{"user": self.mediator, "attended": 1},
						{"user": self.dispatcher, "attended": 0},
					],
				}
			)
			if build:
				doc.build_agenda()
		return doc

	def test_agenda_lists_the_subtree_s_risky_open_cases_with_why(self):
		meeting = self.new_meeting()
		agenda = {row.case: row.reasons for row in meeting.agenda}
		self.assertEqual(
			agenda, {name: "、".join(frappe._(r) for r in why) for name, why in self.expected.items()}
		)
		for name in self.not_expected.values():
			self.assertNotIn(name, agenda)
		self.assertIn(meeting.agenda[0].risk_color, ("Red",))  # reddest first
		with as_user(self.director):
			meeting.insert()
			# built again, nothing is added twice and what was decided stays
			meeting.agenda[0].decision = "由镇综治中心牵头，三日内再次组织调解。"
			self.assertEqual(meeting.build_agenda(), 0)
			meeting.save()
		self.assertEqual(len(meeting.agenda), len(self.expected))
		self.assertEqual(meeting.agenda[0].decision, "由镇综治中心牵头，三日内再次组织调解。")

		# the desk's Build Agenda button (a document method), as the dispatcher on an unsaved meeting
		with as_user(self.dispatcher):
			built = desk_build_agenda(self.new_meeting(self.dispatcher, build=False))
		self.assertEqual({row["case"] for row in built["agenda"]}, set(self.expected))

	def test_submit_writes_decisions_on_the_timelines_and_assigns_follow_ups(self):
		meeting = self.new_meeting()
		due = add_days(today(), 7)
		with as_user(self.director):
			meeting.insert()
			self.assertRaises(RiskMeetingError, meeting.submit)  # no decisions yet
			meeting.reload()
			for row in meeting.agenda:
				row.decision = f"继续跟进{row.case_number}"
			red = next(row for row in meeting.agenda if row.case == self.red_case)
			red.decision = "列为重点风险案件，由镇领导包案。"
			red.follow_up_action = "五日内入户走访双方当事人，形成书面稳控方案。"
			red.responsible_user = self.mediator
			red.action_due_date = due
			meeting.save()
			meeting.submit()

		comments = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "ZZ Case",
				"reference_name": self.red_case,
				"comment_type": "Comment",
			},
			pluck="content",
		)
		self.assertTrue(
			any(
				meeting.name in c and "列为重点风险案件" in c and "五日内入户走访双方当事人" in c
				for c in comments
			),
			comments,
		)
		for name in self.expected:
			self.assertTrue(
				frappe.db.exists(
					"Comment",
					{
						"reference_doctype": "ZZ Case",
						"reference_name": name,
						"comment_type": "Comment",
						"content": ["like", f"%{meeting.name}%"],
					},
				)
			)
		todo = frappe.db.get_value(
			"ToDo",
			{"reference_type": "ZZ Case", "reference_name": self.red_case, "allocated_to": self.mediator},
			["name", "date", "status", "description", "priority"],
			as_dict=True,
		)
		self.assertEqual((getdate(todo.date), todo.status, todo.priority), (getdate(due), "Open", "High"))
		self.assertIn("五日内入户走访", todo.description)
		self.assertEqual(frappe.db.get_value("ZZ Risk Meeting Item", red.name, "todo"), todo.name)
		# only the rows with a responsible user become assignments
		self.assertEqual(
			frappe.db.count(
				"ToDo", {"reference_type": "ZZ Case", "reference_name": ["in", list(self.expected)]}
			),
			1,
		)

		with as_user(self.director):
			frappe.get_doc(MEETING, meeting.name).cancel()
		self.assertEqual(frappe.db.get_value("ToDo", todo.name, "status"), "Cancelled")

	def test_follow_ups_need_a_user_who_sees_the_case_and_a_date_after_the_meeting(self):
		meeting = self.new_meeting()
		row = next(row for row in meeting.agenda if row.case == self.red_case)
		row.follow_up_action = "组织联合会商。"
		with as_user(self.director):
			row.responsible_user = self.other_director  # of the sibling centre: cannot see the case
			self.assertRaises(RiskMeetingError, meeting.insert)
			row.responsible_user = self.mediator
			row.action_due_date = add_days(today(), -1)
			self.assertRaises(RiskMeetingError, meeting.insert)

	def test_refusals_across_centres(self):
		meeting = self.new_meeting()
		with as_user(self.director):
			meeting.insert()
		# the sibling centre's director neither reads, lists nor rebuilds the meeting
		self.assertFalse(frappe.has_permission(MEETING, "read", meeting.name, user=self.other_director))
		self.assertTrue(frappe.has_permission(MEETING, "read", meeting.name, user=self.county_director))
		with as_user(self.other_director):
			self.assertNotIn(meeting.name, frappe.get_list(MEETING, pluck="name"))
			self.assertRaises(frappe.PermissionError, frappe.get_doc(MEETING, meeting.name).check_permission)
			self.assertRaises(frappe.PermissionError, desk_build_agenda, meeting)
			self.assertRaises(frappe.PermissionError, desk_build_agenda, self.new_meeting(build=False))
			# nor holds one for the other township
			self.assertRaises(frappe.PermissionError, self.new_meeting(self.other_director).insert)
			# nor puts another centre's case on its own centre's agenda
			own = self.new_meeting(self.other_director, center=self.tree.town_b)
			self.assertEqual([row.case for row in own.agenda], [self.not_expected["sibling"]])
			own.append("agenda", {"case": self.red_case})
			self.assertRaises((RiskMeetingError, frappe.PermissionError), own.insert)
		# a case above the meeting's centre is not its business either, even for the county's director
		with as_user(self.county_director):
			above = self.new_meeting(self.county_director)
			above.append("agenda", {"case": self.not_expected["above"]})
			self.assertRaises(RiskMeetingError, above.insert)
			# the county's own meeting covers both townships
			county = self.new_meeting(self.county_director, center=self.tree.county)
			cases = {row.case for row in county.agenda}
			self.assertTrue(
				set(self.expected) | {self.not_expected["sibling"], self.not_expected["above"]} <= cases
			)
			self.assertNotIn(self.not_expected["closed"], cases)
		# a centre role without a centre sees no meeting at all
		nobody = make_user(["ZZ Center Director"])
		self.assertFalse(frappe.has_permission(MEETING, "read", meeting.name, user=nobody))
		with as_user(nobody):
			self.assertEqual(frappe.get_list(MEETING, pluck="name"), [])
