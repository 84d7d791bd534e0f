"""A missed obligation of a signed agreement on the case it settles: whichever path finds it missed (the
daily job, or any save of the agreement after the due date), the case is flagged, its timeline says so,
the mediator and the director are told once, and the case goes on the next risk meeting's agenda —
closed or not, since the committee supervises performance after the case closes (人民调解法 Art. 31)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from zongzhi_center.services.performance import mark_missed_obligations
from zongzhi_center.tests.factories import as_user
from zongzhi_center.tests.test_agreement import AgreementFixtures
from zongzhi_center.zongzhi_center.doctype.zz_risk_assessment_meeting.zz_risk_assessment_meeting import (
	agenda_cases,
)


class TestMissedObligations(AgreementFixtures, FrappeTestCase):
	def signed_agreement(self):
		case = self.case_in_mediation()
		agreement = self.draft(case)
		with as_user(self.mediator_user):
			self.sign_all(agreement).submit()
		return case, agreement

	def pass_due_date(self, agreement):
		"""The fence was due; the days went by without anyone recording it."""
		frappe.db.set_value(
			"ZZ Agreement Obligation", agreement.obligations[1].name, "due_date", add_days(today(), -1)
		)

	def told(self, user, case) -> int:
		return frappe.db.count("Notification Log", {"for_user": user, "document_name": case.name})

	def flagged(self, case) -> int:
		return frappe.db.get_value("ZZ Case", case.name, "obligation_missed")

	def timeline_notes(self, case) -> list[str]:
		return frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": case.name, "comment_type": "Info"},
			pluck="content",
		)

	def test_the_daily_job_flags_the_case_and_tells_them_once(self):
		case, agreement = self.signed_agreement()
		self.assertFalse(self.flagged(case))
		self.pass_due_date(agreement)
		state = frappe.db.get_value("ZZ Case", case.name, ["workflow_state", "modified"])
		mediator_before, director_before = self.told(self.mediator_user, case), self.told(self.director, case)
		notes_before = len(self.timeline_notes(case))

		mark_missed_obligations()
		mark_missed_obligations()
		# and a later save of the agreement finds nothing new to say
		with as_user(self.mediator_user):
			frappe.get_doc("ZZ Mediation Agreement", agreement.name).save()

		self.assertEqual(self.flagged(case), 1)
		self.assertEqual(self.told(self.mediator_user, case), mediator_before + 1)
		self.assertEqual(self.told(self.director, case), director_before + 1)
		self.assertEqual(len(self.timeline_notes(case)), notes_before + 1)
		# the flag is set without touching the case's workflow or its modified time
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, ["workflow_state", "modified"]), state)
		# the notification names the case by its number, never a party or the obligation's text
		subjects = " ".join(
			frappe.get_all("Notification Log", filters={"document_name": case.name}, pluck="subject")
		)
		self.assertIn(case.case_number, subjects)
		for personal in ("李测试", "张测试", "拆除围栏"):
			self.assertNotIn(personal, subjects)

	def test_a_save_after_the_due_date_flags_the_case_and_the_job_stays_silent(self):
		case, agreement = self.signed_agreement()
		self.pass_due_date(agreement)
		mediator_before, director_before = self.told(self.mediator_user, case), self.told(self.director, case)
		# the director records the first payment after the fence's due date; the save finds the fence missed
		with as_user(self.director):
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			doc.obligations[0].fulfilled_on = today()
			doc.save()
		self.assertEqual(doc.fulfilment_status, "Missed")
		self.assertEqual(self.flagged(case), 1)
		self.assertEqual(self.told(self.mediator_user, case), mediator_before + 1)
		mark_missed_obligations()
		with as_user(self.mediator_user):
			frappe.get_doc("ZZ Mediation Agreement", agreement.name).save()
		self.assertEqual(self.told(self.mediator_user, case), mediator_before + 1)
		self.assertEqual(self.told(self.director, case), director_before)  # who saved it is not told
		# on the timeline: signed, then missed (once)
		self.assertEqual(sum(agreement.name in note for note in self.timeline_notes(case)), 2)

		# performed late after all: the flag comes off
		with as_user(self.mediator_user):
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			doc.obligations[1].fulfilled_on = today()
			doc.save()
		self.assertEqual(doc.fulfilment_status, "Fulfilled")
		self.assertFalse(self.flagged(case))

	def test_the_case_shows_in_the_list_filter_and_on_the_risk_meeting_agenda(self):
		case, agreement = self.signed_agreement()
		field = frappe.get_meta("ZZ Case").get_field("obligation_missed")
		self.assertTrue(field.in_list_view and field.in_standard_filter and field.read_only)
		self.pass_due_date(agreement)
		mark_missed_obligations()
		# closed meanwhile: the committee still supervises the performance
		frappe.db.set_value("ZZ Case", case.name, "workflow_state", "Closed")
		with as_user(self.director):
			listed = frappe.get_list("ZZ Case", filters={"obligation_missed": 1}, pluck="name")
			agenda = {row.name: row.reasons for row in agenda_cases(self.tree.town_a)}
			meeting = frappe.get_doc(
				{
					"doctype": "ZZ Risk Assessment Meeting",
					"center": self.tree.town_a,
					"meeting_date": today(),
					"chair": self.director,
				}
			)
			meeting.build_agenda()
			meeting.insert()
		self.assertEqual(listed, [case.name])
		self.assertEqual(agenda[case.name], ["Obligation Missed"])
		row = next(row for row in meeting.agenda if row.case == case.name)
		self.assertEqual(row.reasons, frappe._("Obligation Missed"))
		# cancelled, the agreement no longer flags the case
		with as_user(self.director):
			frappe.get_doc("ZZ Mediation Agreement", agreement.name).cancel()
		self.assertFalse(self.flagged(case))
