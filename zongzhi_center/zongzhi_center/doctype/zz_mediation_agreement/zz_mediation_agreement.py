# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""调解协议书 (人民调解法 Art. 29–33): parties, facts, terms and the obligations that are its performance
milestones, signed and witnessed; submitted, it records the case's outcome; amended only by
cancel-and-amend; a court's judicial confirmation (司法确认) is recorded on it after submission."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, flt, getdate, today

from zongzhi_center.exceptions import AgreementError
from zongzhi_center.services import performance, vault
from zongzhi_center.services import workflow_names as wn

# 人民调解法 Art. 33: the parties apply for judicial confirmation within 30 days of the agreement taking effect
CONFIRMATION_DAYS = 30
# the case states in which an agreement may be signed
SIGNING_STATES = ("in_mediation", "in_consultation", "awaiting_party", "resolved", "follow_up")


class ZZMediationAgreement(Document):
	def validate(self):
		self.validate_case()
		self.fill_parties()
		self.validate_obligations()
		self.total_compensation = sum(flt(row.amount) for row in self.obligations)
		self.update_obligation_status()
		self.validate_confirmation()
		self.set_confirmation_window()

	def before_submit(self):
		if not self.signing_date:
			frappe.throw(_("Enter the signing date before submitting the agreement."), exc=AgreementError)
		unsigned = [row.party_name for row in self.parties if not row.signed]
		if unsigned:
			frappe.throw(
				_("Every party signs the agreement before it is submitted; not signed yet: {0}").format(
					"、".join(unsigned)
				),
				exc=AgreementError,
				title=_("Signatures Missing"),
			)

	def on_submit(self):
		case = frappe.get_doc("ZZ Case", self.case)
		case.db_set(
			{
				"outcome": "Resolved by Agreement",
				"compensation_amount": self.total_compensation,
				"judicial_confirmation_by": self.judicial_confirmation_by,
			}
		)
		case.add_comment(
			"Info",
			_("Mediation agreement {0} signed on {1}.").format(
				frappe.get_desk_link(self.doctype, self.name), frappe.format(self.signing_date, "Date")
			),
		)
		# signed late, an obligation may already be past its due date
		performance.note_status(self, None)

	def on_cancel(self):
		frappe.db.set_value("ZZ Case", self.case, "judicial_confirmation_by", None, update_modified=False)
		frappe.get_doc("ZZ Case", self.case).add_comment(
			"Info",
			_("Mediation agreement {0} cancelled.").format(frappe.get_desk_link(self.doctype, self.name)),
		)
		performance.sync_flag(self.case)

	def before_update_after_submit(self):
		self.validate_confirmation()
		self.update_obligation_status()

	def on_update_after_submit(self):
		before = self.get_doc_before_save()
		performance.note_status(self, before.fulfilment_status if before else None)
		if not before or before.confirmation_outcome == self.confirmation_outcome:
			return
		case = frappe.get_doc("ZZ Case", self.case)
		case.add_comment(
			"Info",
			_("Judicial confirmation of agreement {0}: {1}.").format(
				frappe.get_desk_link(self.doctype, self.name), _(self.confirmation_outcome)
			),
		)
		if self.confirmation_outcome == "Not Confirmed":
			# the court would not make the agreement enforceable: the case is no longer resolved by it
			from zongzhi_center.services.notify import notify
			from zongzhi_center.services.routing import center_people

			case.db_set("outcome", None)
			notify(
				[
					frappe.db.get_value("ZZ Stationed Staff", self.mediator, "user"),
					*center_people(case.current_center, (wn.CENTER_DIRECTOR,)),
				],
				case,
				_(
					"Case {0}: the court did not confirm its agreement; mediate again or refer the case to court."
				).format(case.case_number),
			)

	# ------------------------------------------------------------------ steps
	def validate_case(self):
		state = frappe.db.get_value("ZZ Case", self.case, "workflow_state")
		if state not in wn.states(*SIGNING_STATES):
			frappe.throw(
				_("An agreement is signed while the case is being mediated; case {0} is {1}.").format(
					self.case_number or self.case, _(state)
				),
				exc=AgreementError,
				title=_("Not Now"),
			)

	def fill_parties(self):
		if self.parties:
			return
		# the case's parties; their ID numbers travel masked and encrypted, as the case keeps them (vault)
		case = frappe.get_doc("ZZ Case", self.case)
		for row in case.parties:
			party = self.append("parties", {"party_role": row.party_role, "party_name": row.party_name})
			vault.copy_into(row, party)

	def validate_obligations(self):
		signed = getdate(self.signing_date) if self.signing_date else None
		for row in self.obligations:
			if signed and row.due_date and getdate(row.due_date) < signed:
				frappe.throw(
					_("Obligation row {0}: the due date is before the signing date.").format(row.idx),
					exc=AgreementError,
				)

	def update_obligation_status(self) -> bool:
		"""Each obligation not yet due, fulfilled or overdue; the agreement fulfilled, being performed or missed.
		Returns whether anything changed."""
		day = getdate(today())
		before = [row.status for row in self.obligations], self.fulfilment_status
		for row in self.obligations:
			if row.fulfilled_on:
				row.status = "Fulfilled"
			elif row.due_date and getdate(row.due_date) < day:
				row.status = "Overdue"
			else:
				row.status = "Not Yet Due"
		statuses = {row.status for row in self.obligations}
		if not statuses:
			self.fulfilment_status = ""
		elif statuses == {"Fulfilled"}:
			self.fulfilment_status = "Fulfilled"
		elif "Overdue" in statuses:
			self.fulfilment_status = "Missed"
		else:
			self.fulfilment_status = "Being Performed"
		return before != ([row.status for row in self.obligations], self.fulfilment_status)

	def set_confirmation_window(self):
		"""The last day to apply for 司法确认: the agreement takes effect when signed (Art. 29)."""
		self.judicial_confirmation_by = (
			add_days(self.signing_date, CONFIRMATION_DAYS) if self.signing_date else None
		)

	def validate_confirmation(self):
		"""司法确认: applied for within 30 days of signing; a decision needs the court, ruling number and date."""
		if self.confirmation_applied_on and self.signing_date:
			last_day = add_days(self.signing_date, CONFIRMATION_DAYS)
			if getdate(self.confirmation_applied_on) > getdate(last_day):
				frappe.throw(
					_(
						"Judicial confirmation is applied for within {0} days of the agreement taking effect (by {1})."
					).format(CONFIRMATION_DAYS, frappe.format(last_day, "Date")),
					exc=AgreementError,
				)
		if self.confirmation_applied_on and not self.confirmation_outcome:
			self.confirmation_outcome = "Applied"
		decided = self.confirmation_outcome in ("Confirmed", "Not Confirmed")
		if decided and not (self.confirmation_court and self.ruling_number and self.ruling_date):
			frappe.throw(
				_("Enter the court, the ruling number and the ruling date with the court's decision."),
				exc=AgreementError,
			)
