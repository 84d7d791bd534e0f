# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""延期: a request for more time on a case's resolve-by and its decision (services/extensions.py).

Inserting the record is the request; the ZZ Deadline Extension Workflow's actions decide it. The checks are
here, not in the desk's form, so the REST API and the workflow actions meet the same rules."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.workflow import get_workflow_name
from frappe.utils import now_datetime

from zongzhi_center.exceptions import ExtensionDecidedError, StateRequirementError
from zongzhi_center.services import extensions

# filled by the server only, whatever a request sends
SERVER_FIELDS = (
	"requested_by",
	"requested_at",
	"decided_by",
	"decided_at",
	"old_due_date",
	"new_due_date",
	"clock_started_at",
)


class ZZDeadlineExtension(Document):
	def validate(self):
		if not self.case:
			frappe.throw(_("Choose the case to extend."), exc=frappe.MandatoryError)
		case = frappe.get_doc("ZZ Case", self.case)
		self.center = case.current_center
		self.case_number = case.case_number
		self.reason = (self.reason or "").strip()
		if not self.reason:
			frappe.throw(
				_("Write the reason for the extension."),
				exc=StateRequirementError,
				title=_("Missing Information"),
			)
		self.apply_state_field()
		if self.is_new():
			self.validate_request(case)
		else:
			self.validate_decision(case)

	def apply_state_field(self):
		"""The decision follows the workflow state's Update Field on every path (a workflow action, a save
		with a new state through the REST API), not only where Frappe's apply_workflow sets it."""
		workflow_name = get_workflow_name(self.doctype)
		if not workflow_name:
			return
		workflow = frappe.get_cached_doc("Workflow", workflow_name)
		state = self.workflow_state or workflow.states[0].state
		for row in workflow.states:
			if row.state == state and row.update_field:
				self.set(row.update_field, row.update_value)

	def validate_request(self, case):
		for field in SERVER_FIELDS:
			self.set(field, None)
		self.requested_by = frappe.session.user
		self.requested_at = now_datetime()
		self.clock_started_at = case.clock_started_at
		if self.decision != extensions.PENDING:
			extensions.refuse(_("An extension is asked for first, and decided afterwards."))
		extensions.check_requester(case, frappe.session.user)
		extensions.check_no_open_request(self, case)
		extensions.check_limits(self, case)

	def validate_decision(self, case):
		before = self.get_doc_before_save()
		for field in SERVER_FIELDS:
			self.set(field, before.get(field))
		if before.decision != extensions.PENDING:
			if self.has_value_changed("decision") or self.has_value_changed("decision_note"):
				frappe.throw(
					_("This extension was decided already and cannot be changed."),
					exc=ExtensionDecidedError,
					title=_("Not Permitted"),
				)
			return
		if self.decision == extensions.PENDING:
			return
		extensions.check_decider(self, case, frappe.session.user)
		if self.decision == extensions.REFUSED and not (self.decision_note or "").strip():
			frappe.throw(
				_("Write why the extension is refused (Decision Note), save, then refuse it."),
				exc=StateRequirementError,
				title=_("Missing Information"),
			)
		if self.decision == extensions.APPROVED:
			extensions.check_limits(self, case)
		self.decided_by = frappe.session.user
		self.decided_at = now_datetime()

	def after_insert(self):
		extensions.on_requested(self)

	def on_update(self):
		if self.flags.in_insert:
			return
		before = self.get_doc_before_save()
		if before and before.decision == extensions.PENDING and self.decision != extensions.PENDING:
			extensions.on_decided(self)
