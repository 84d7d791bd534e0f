"""调解协议书 on real cases: signing and submitting as the case's mediator, the case's outcome, refusals
for the wrong centre and the wrong state, cancel-and-amend keeping the old version, judicial
confirmation within 30 days, obligations fulfilled and missed (the daily job), and the printed
agreement as a PDF with its Chinese text."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from zongzhi_center.engine import masking
from zongzhi_center.exceptions import AgreementError
from zongzhi_center.services import vault
from zongzhi_center.services.performance import mark_missed_obligations, remind_due_obligations
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	move_case,
	pdf_text,
)


class AgreementFixtures:
	"""A township with a clerk, a director, a mediation committee and its mediator; cases in mediation and
	agreements drafted on them by the mediator. Shared by the agreement tests and the missed-obligation tests."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.mediator_user = make_user(["ZZ Mediator"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.committee = make_department(cls.tree.town_a, department_type="People's Mediation Committee")
		cls.mediator = make_staff(cls.tree.town_a, cls.committee, user=cls.mediator_user)

	def tearDown(self):
		frappe.set_user("Administrator")

	def case_in_mediation(self):
		case = make_case(self.tree.town_a, self.clerk)
		return move_case(case.name, "In Mediation", department=self.committee)

	def draft(self, case, user=None, **values):
		doc = {
			"doctype": "ZZ Mediation Agreement",
			"case": case.name,
			"mediation_organisation": self.committee,
			"mediator": self.mediator,
			"facts": "双方因院前通道通行发生争执。",
			"terms": "被申请人拆除占道围栏，并赔偿申请人损失。",
			"signing_date": today(),
			"obligations": [
				{
					"obligor": "李测试",
					"obligee": "张测试",
					"content": "赔偿损失",
					"amount": 3000,
					"due_date": add_days(today(), 10),
				},
				{"obligor": "李测试", "content": "拆除围栏", "due_date": add_days(today(), 3)},
			],
			"witnesses": [{"witness_name": "王司法", "organisation": "青石镇司法所", "level": "Township"}],
		}
		doc.update(values)
		with as_user(user or self.mediator_user):
			return frappe.get_doc(doc).insert()

	def sign_all(self, agreement):
		for row in agreement.parties:
			row.signed = 1
		return agreement


class TestMediationAgreement(AgreementFixtures, FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.other_mediator = make_user(["ZZ Mediator"], cls.tree.town_b)

	def test_signed_agreement_records_the_case_outcome(self):
		case = self.case_in_mediation()
		agreement = self.draft(case)
		self.assertEqual([p.party_name for p in agreement.parties], ["张测试", "李测试"])  # from the case
		self.assertEqual(agreement.total_compensation, 3000)
		self.assertEqual(agreement.fulfilment_status, "Being Performed")
		with as_user(self.mediator_user):
			self.assertRaises(AgreementError, agreement.submit)  # the parties have not signed
			agreement = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			self.sign_all(agreement).submit()
		stored = frappe.db.get_value("ZZ Case", case.name, ["outcome", "compensation_amount"], as_dict=True)
		self.assertEqual((stored.outcome, stored.compensation_amount), ("Resolved by Agreement", 3000))
		notes = frappe.get_all(
			"Comment", filters={"reference_doctype": "ZZ Case", "reference_name": case.name}, pluck="content"
		)
		self.assertTrue(any(agreement.name in note for note in notes))

	def test_wrong_centre_and_wrong_state_are_refused(self):
		case = self.case_in_mediation()
		with self.assertRaises(frappe.PermissionError):
			self.draft(case, user=self.clerk)  # a clerk does not write agreements
		agreement = self.draft(case)
		self.assertFalse(
			frappe.has_permission("ZZ Mediation Agreement", "read", agreement.name, user=self.other_mediator)
		)
		with as_user(self.other_mediator):
			names = frappe.get_list("ZZ Mediation Agreement", pluck="name")
		self.assertNotIn(agreement.name, names)
		registered = make_case(self.tree.town_a, self.clerk)
		with self.assertRaises(AgreementError):
			self.draft(registered)
		self.assertFalse(frappe.db.exists("ZZ Mediation Agreement", {"case": registered.name}))

	def test_amendment_only_by_cancel_and_amend_keeping_the_old_version(self):
		case = self.case_in_mediation()
		agreement = self.sign_all(self.draft(case))
		with as_user(self.mediator_user):
			agreement.submit()
			agreement = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			agreement.terms = "改写的条款"
			self.assertRaises(frappe.UpdateAfterSubmitError, agreement.save)
		with as_user(self.director):
			frappe.get_doc("ZZ Mediation Agreement", agreement.name).cancel()
			amended = frappe.copy_doc(frappe.get_doc("ZZ Mediation Agreement", agreement.name))
			amended.update({"amended_from": agreement.name, "docstatus": 0})  # as the desk's Amend does
			amended.terms = "修订后的条款"
			amended.insert()
		self.assertEqual(frappe.db.get_value("ZZ Mediation Agreement", agreement.name, "docstatus"), 2)
		# the cancelled version keeps its terms; the amendment carries the new ones
		self.assertEqual(
			frappe.db.get_value("ZZ Mediation Agreement", agreement.name, "terms"),
			"被申请人拆除占道围栏，并赔偿申请人损失。",
		)
		self.assertEqual(amended.terms, "修订后的条款")
		self.assertEqual(amended.amended_from, agreement.name)

	def test_judicial_confirmation_within_thirty_days(self):
		case = self.case_in_mediation()
		agreement = self.sign_all(self.draft(case))
		with as_user(self.mediator_user):
			agreement.submit()
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			doc.confirmation_court = "南县人民法院"
			doc.confirmation_applied_on = add_days(today(), 31)
			self.assertRaises(AgreementError, doc.save)
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			doc.confirmation_court = "南县人民法院"
			doc.confirmation_applied_on = add_days(today(), 5)
			doc.save()
			self.assertEqual(doc.confirmation_outcome, "Applied")
			doc.confirmation_outcome = "Confirmed"
			self.assertRaises(AgreementError, doc.save)  # a decision needs its ruling
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			doc.update(
				{
					"confirmation_outcome": "Confirmed",
					"ruling_number": "（2026）湘0921民特12号",
					"ruling_date": add_days(today(), 12),
				}
			)
			doc.save()
		self.assertEqual(
			frappe.db.get_value("ZZ Mediation Agreement", agreement.name, "confirmation_outcome"), "Confirmed"
		)

	def test_case_no_longer_resolved_when_the_court_does_not_confirm(self):
		case = self.case_in_mediation()
		agreement = self.sign_all(self.draft(case))
		with as_user(self.mediator_user):
			agreement.submit()
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			doc.update(
				{
					"confirmation_court": "南县人民法院",
					"confirmation_applied_on": today(),
					"confirmation_outcome": "Not Confirmed",
					"ruling_number": "（2026）湘0921民特13号",
					"ruling_date": add_days(today(), 10),
				}
			)
			doc.save()
		self.assertFalse(frappe.db.get_value("ZZ Case", case.name, "outcome"))
		# the director hears of it (the mediator recorded it, and is not told of their own act)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.director, "document_name": case.name})
		)

	def test_obligations_fulfilled_and_missed(self):
		case = self.case_in_mediation()
		agreement = self.sign_all(self.draft(case))
		with as_user(self.mediator_user):
			agreement.submit()

		# the mediator is reminded once of what falls due within three days (the fence, due in 3)
		def reminders():
			return frappe.db.count(
				"Notification Log", {"for_user": self.mediator_user, "document_name": case.name}
			)

		before = reminders()
		remind_due_obligations()
		remind_due_obligations()
		self.assertEqual(reminders(), before + 1)
		self.assertTrue(
			frappe.db.get_value("ZZ Agreement Obligation", agreement.obligations[1].name, "reminded_on")
		)
		# the fence was to go within 3 days; nobody recorded it: the daily job finds it missed
		obligation = agreement.obligations[1]
		frappe.db.set_value("ZZ Agreement Obligation", obligation.name, "due_date", add_days(today(), -1))
		mark_missed_obligations()
		self.assertEqual(
			frappe.db.get_value("ZZ Mediation Agreement", agreement.name, "fulfilment_status"), "Missed"
		)
		self.assertEqual(frappe.db.get_value("ZZ Agreement Obligation", obligation.name, "status"), "Overdue")
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.mediator_user, "document_name": case.name})
		)
		# both obligations fulfilled: the agreement is
		with as_user(self.mediator_user):
			doc = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			for row in doc.obligations:
				row.fulfilled_on = today()
			doc.save()
		self.assertEqual(
			frappe.db.get_value("ZZ Mediation Agreement", agreement.name, "fulfilment_status"), "Fulfilled"
		)

	def test_printed_agreement_has_its_chinese_text(self):
		case = self.case_in_mediation()
		agreement = self.sign_all(self.draft(case))
		with as_user(self.mediator_user):
			agreement.submit()
			pdf = frappe.get_print(
				"ZZ Mediation Agreement", agreement.name, "ZZ Agreement Document", as_pdf=True
			)
		text = pdf_text(pdf)
		for expected in ("人民调解协议书", case.case_number, "拆除占道围栏", "青石镇司法所", "3,000.00"):
			self.assertIn(expected, text)
		application = frappe.get_print(
			"ZZ Mediation Agreement", agreement.name, "ZZ Confirmation Application", as_pdf=True
		)
		text = pdf_text(application)
		for expected in ("司法确认申请书", "人民调解法", case.case_number, "张测试", "李测试"):
			self.assertIn(expected, text)

	def test_party_id_numbers_travel_in_the_vault(self):
		"""The case's ID numbers come to the agreement masked and encrypted: its mediator prints them in clear
		(logged), a supervisor prints the mask, and neither the column nor the agreement's history holds one."""
		supervisor = make_user(["ZZ Supervisor"], self.tree.town_a)
		case = self.case_in_mediation()
		number = vault.plaintext(case.parties[0], "id_number")
		agreement = self.draft(case)
		row = frappe.db.get_value(
			"ZZ Agreement Party", agreement.parties[0].name, ["id_number", "id_number_enc"], as_dict=True
		)
		self.assertEqual(row.id_number, masking.mask(number, "id"))
		self.assertEqual(vault.plaintext(row, "id_number"), number)
		with as_user(self.mediator_user):
			agreement = frappe.get_doc("ZZ Mediation Agreement", agreement.name)
			agreement.terms = "被申请人赔偿申请人损失三千元。"
			agreement.parties[0].signed = 1
			agreement.save(ignore_version=False)  # tests skip the Version log unless asked
			self.assertIn(
				number, frappe.get_print("ZZ Mediation Agreement", agreement.name, "ZZ Agreement Document")
			)
		with as_user(supervisor):
			html = frappe.get_print("ZZ Mediation Agreement", agreement.name, "ZZ Agreement Document")
		self.assertNotIn(number, html)
		self.assertIn(masking.mask(number, "id"), html)
		self.assertTrue(
			frappe.db.exists(
				"ZZ Personal Data Access",
				{"user": self.mediator_user, "reference_name": agreement.name, "action": "Print"},
			)
		)
		versions = " ".join(frappe.get_all("Version", filters={"docname": agreement.name}, pluck="data"))
		self.assertTrue(versions)
		self.assertNotIn(number, versions)
