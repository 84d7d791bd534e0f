"""The law's clocks on the real site: the shipped deadline rules (信访工作条例, 人民调解) with their legal
sources, created once and then the administrator's; a petition's 15 and 60 days and a mediation's month
counted across weekends, the Spring Festival and its 调休 Saturdays; 复查 and 复核 on their own clock; the
receipt and the 不予受理告知书 stating the time limit and its source; the 30 days to apply for 司法确认,
warned of once and marked when they have passed."""

import json
import re
from datetime import datetime

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, getdate, today

from zongzhi_center.services import judicial_confirmation, rules, sla
from zongzhi_center.setup.install import data_path, sync_shipped_records
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_user,
	move_case,
)
from zongzhi_center.tests.test_agreement import AgreementFixtures
from zongzhi_center.tests.test_sla import On2026Calendar

PETITION, REVIEW, RE_REVIEW, MEDIATION = "信访事项", "信访事项复查", "信访事项复核", "人民调解"


def at(text: str) -> datetime:
	return datetime.fromisoformat(text)


def printed(case: str, print_format: str) -> str:
	"""The print's text as the user's print view renders it, without white space."""
	return re.sub(r"\s+", "", frappe.get_print("ZZ Case", case, print_format))


def shipped_rules() -> list[dict]:
	with open(data_path("deadline_rules.json"), encoding="utf-8") as fh:
		return json.load(fh)


class TestShippedRules(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def test_shipped_rules_exist_with_their_legal_sources_and_limits(self):
		for row in shipped_rules():
			self.assertTrue(frappe.db.exists("ZZ Deadline Rule", row["rule_name"]), row["rule_name"])
			self.assertTrue(
				frappe.db.exists(
					"ZZ Shipped Definition", {"ref_doctype": "ZZ Deadline Rule", "ref_name": row["rule_name"]}
				)
			)
		petition = frappe.get_doc("ZZ Deadline Rule", PETITION)
		self.assertIn("《信访工作条例》（2022年）", petition.legal_source)
		self.assertEqual((petition.matter_type, petition.accept_unit), ("Petition", "Calendar Days"))
		self.assertEqual((petition.accept_value, petition.resolve_value), (15, 60))
		self.assertEqual((petition.max_extensions, petition.max_extension_days), (1, 30))
		self.assertEqual(petition.review_window_days, 30)
		review = frappe.get_doc("ZZ Deadline Rule", REVIEW)
		self.assertEqual(
			(review.review_level, review.resolve_value, review.review_window_days), ("Review", 30, 30)
		)
		self.assertEqual(frappe.db.get_value("ZZ Deadline Rule", RE_REVIEW, "review_level"), "Re-review")
		mediation = frappe.get_doc("ZZ Deadline Rule", MEDIATION)
		self.assertIn("人民调解法》第三十三条", mediation.legal_source)
		self.assertEqual((mediation.resolve_value, mediation.resolve_unit), (30, "Calendar Days"))
		# the local red, orange and general rules stay
		for name in ("红色案件", "橙色案件", "一般案件"):
			self.assertTrue(frappe.db.exists("ZZ Deadline Rule", name))

	def test_a_directors_edit_survives_the_sync_and_a_deleted_rule_stays_deleted(self):
		director = make_user(["ZZ Center Director"])
		before = frappe.db.get_value(
			"ZZ Deadline Rule", PETITION, ["resolve_value", "legal_source"], as_dict=True
		)
		with as_user(director):
			doc = frappe.get_doc("ZZ Deadline Rule", PETITION)
			doc.resolve_value = 45
			doc.legal_source = "本县信访工作规定：45日内办结"
			doc.save()
		frappe.delete_doc("ZZ Deadline Rule", RE_REVIEW, force=True)
		self.addCleanup(self.restore, before)
		sync_shipped_records()
		stored = frappe.db.get_value(
			"ZZ Deadline Rule", PETITION, ["resolve_value", "legal_source"], as_dict=True
		)
		self.assertEqual((stored.resolve_value, stored.legal_source), (45, "本县信访工作规定：45日内办结"))
		self.assertNotEqual(stored.legal_source, before.legal_source)
		self.assertFalse(frappe.db.exists("ZZ Deadline Rule", RE_REVIEW))

	def restore(self, petition_values):
		frappe.set_user("Administrator")
		frappe.db.set_value("ZZ Deadline Rule", PETITION, petition_values)
		if not frappe.db.exists("ZZ Deadline Rule", RE_REVIEW):
			row = next(r for r in shipped_rules() if r["rule_name"] == RE_REVIEW)
			frappe.get_doc({"doctype": "ZZ Deadline Rule", **row}).insert(ignore_permissions=True)

	def test_a_clerk_may_not_edit_a_rule(self):
		clerk = make_user(["ZZ Intake Clerk"])
		with as_user(clerk):
			doc = frappe.get_doc("ZZ Deadline Rule", PETITION)
			doc.resolve_value = 90
			self.assertRaises(frappe.PermissionError, doc.save)
		self.assertEqual(frappe.db.get_value("ZZ Deadline Rule", PETITION, "resolve_value"), 60)

	def test_moderate_grade_after_serious_is_refused(self):
		from zongzhi_center.exceptions import InvalidRuleError

		doc = frappe.get_doc("ZZ Deadline Rule", MEDIATION)
		doc.moderate_after_days, doc.serious_after_days = 10, 5
		self.assertRaises(InvalidRuleError, doc.save)


class TestPetitionAndMediationClocks(On2026Calendar, FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.use_2026_calendar()

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def clock(self, matter_type: str, received: str, accepted: str | None = None, **values):
		case = make_case(self.tree.town_a, self.clerk, matter_type=matter_type, **values)
		case.received_at = at(received)
		case.accepted_at = case.clock_started_at = at(accepted) if accepted else None
		sla.refresh(case, now=at(received))
		return case

	def test_petition_is_answered_in_15_days_and_handled_in_60_counting_every_day(self):
		# received Friday 30 January: the 15th day is Saturday 14 February, a 调休 working day
		case = self.clock("Petition", "2026-01-30 10:00")
		self.assertEqual(case.deadline_rule, PETITION)
		self.assertIn("信访工作条例", case.deadline_source)
		self.assertEqual(get_datetime(case.accept_by), at("2026-02-14 17:30"))
		# received Friday 6 February: the 15th day falls in the Spring Festival, moved to Tuesday 24th
		self.assertEqual(
			get_datetime(self.clock("Petition", "2026-02-06 10:00").accept_by), at("2026-02-24 17:30")
		)
		# received Friday 6 November: the 15th day is a Saturday, moved to Monday
		self.assertEqual(
			get_datetime(self.clock("Petition", "2026-11-06 10:00").accept_by), at("2026-11-23 17:30")
		)
		# accepted Thursday 18 December 2025: the 60th day is Monday 16 February, in the Spring Festival
		handled = self.clock("Petition", "2025-12-17 10:00", accepted="2025-12-18 09:00")
		self.assertEqual(get_datetime(handled.due_date), at("2026-02-24 17:30"))
		# on a day the case is saved, the form shows the rule's source
		stored = frappe.get_doc("ZZ Case", case.name)
		self.assertEqual(
			stored.deadline_source, frappe.db.get_value("ZZ Deadline Rule", PETITION, "legal_source")
		)

	def test_mediation_is_settled_within_30_days(self):
		case = self.clock("Dispute Mediation", "2026-01-20 10:00", accepted="2026-01-21 09:00")
		self.assertEqual(case.deadline_rule, MEDIATION)
		# 30 days after 21 January is Friday 20 February, in the Spring Festival: Tuesday 24th
		self.assertEqual(get_datetime(case.due_date), at("2026-02-24 17:30"))
		self.assertEqual(get_datetime(case.accept_by), at("2026-01-21 17:30"))  # one working day

	def test_review_and_re_review_have_their_own_30_days_from_the_request(self):
		case = self.clock("Petition", "2026-11-02 10:00")
		case.review_level = "Review"  # as the review request records it on the case
		sla.refresh(case, now=at("2026-11-02 10:00"))
		self.assertEqual(case.deadline_rule, REVIEW)
		self.assertIsNone(case.accept_by)
		self.assertEqual(get_datetime(case.due_date), at("2026-12-02 17:30"))
		self.assertIn("复查", case.deadline_source)
		case.review_level = "Re-review"
		sla.refresh(case, now=at("2026-11-02 10:00"))
		self.assertEqual(case.deadline_rule, RE_REVIEW)
		self.assertEqual(case.sla_status, "On Track")
		sla.refresh(case, now=at("2026-12-03 09:00"))
		self.assertEqual(case.sla_status, "Overdue")

	def test_receipt_and_not_accepted_notice_state_the_time_limit_and_its_source(self):
		case = make_case(self.tree.town_a, self.clerk, matter_type="Petition")
		with as_user(self.clerk):
			receipt = printed(case.name, "ZZ Case Receipt")
		self.assertIn("自收到之日起15日内决定是否受理", receipt)
		self.assertIn("自受理之日起60日内办结", receipt)
		self.assertIn("《信访工作条例》（2022年）", receipt)
		case.db_set({"not_accepted_reason": "属于诉讼程序处理事项", "redirect_to": "南县人民法院"})
		move_case(case.name, "Not Accepted")
		with as_user(self.clerk):
			notice = printed(case.name, "ZZ Not Accepted Notice")
		self.assertIn("自收到之日起15日内书面告知", notice)
		self.assertIn("时限依据：《信访工作条例》", notice)


class TestJudicialConfirmationWindow(AgreementFixtures, FrappeTestCase):
	def signed(self, signing_date: str):
		case = self.case_in_mediation()
		agreement = self.draft(case, signing_date=signing_date)
		with as_user(self.mediator_user):
			self.sign_all(frappe.get_doc("ZZ Mediation Agreement", agreement.name)).submit()
		return case, frappe.get_doc("ZZ Mediation Agreement", agreement.name)

	def notices(self, agreement) -> int:
		return frappe.db.count(
			"Notification Log",
			{
				"for_user": self.mediator_user,
				"document_type": "ZZ Mediation Agreement",
				"document_name": agreement.name,
			},
		)

	def test_the_last_day_is_on_the_agreement_and_its_case(self):
		case, agreement = self.signed(add_days(today(), -3))
		self.assertEqual(getdate(agreement.judicial_confirmation_by), getdate(add_days(today(), 27)))
		self.assertEqual(
			getdate(frappe.db.get_value("ZZ Case", case.name, "judicial_confirmation_by")),
			getdate(agreement.judicial_confirmation_by),
		)

	def test_mediator_is_warned_once_before_the_window_closes_and_it_is_marked_after(self):
		frappe.db.set_single_value("ZZ Settings", "judicial_confirmation_warn_days", 7)
		closing, closing_agreement = self.signed(add_days(today(), -25))  # closes in five days
		_far, far_agreement = self.signed(add_days(today(), -5))  # closes in 25 days
		frappe.set_user("Administrator")
		judicial_confirmation.update_windows()
		self.assertEqual(self.notices(closing_agreement), 1)
		self.assertEqual(self.notices(far_agreement), 0)
		judicial_confirmation.update_windows(add_days(today(), 1))  # the next day's run: no second warning
		self.assertEqual(self.notices(closing_agreement), 1)
		# after the last day, unused: marked closed, and said on the case
		judicial_confirmation.update_windows(add_days(today(), 6))
		self.assertEqual(
			frappe.db.get_value(
				"ZZ Mediation Agreement", closing_agreement.name, "confirmation_window_expired"
			),
			1,
		)
		self.assertEqual(
			frappe.db.get_value("ZZ Mediation Agreement", far_agreement.name, "confirmation_window_expired"),
			0,
		)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": closing.name},
			pluck="content",
		)
		self.assertTrue(
			any("司法确认" in (c or "") or "judicial confirmation" in (c or "") for c in comments)
		)

	def test_an_agreement_applied_for_is_neither_warned_of_nor_marked(self):
		_case, agreement = self.signed(add_days(today(), -28))
		agreement.confirmation_applied_on = add_days(today(), -1)
		agreement.confirmation_court = "南县人民法院"
		agreement.save(ignore_permissions=True)
		judicial_confirmation.update_windows(add_days(today(), 5))
		self.assertEqual(self.notices(agreement), 0)
		self.assertFalse(
			frappe.db.get_value("ZZ Mediation Agreement", agreement.name, "confirmation_window_expired")
		)
