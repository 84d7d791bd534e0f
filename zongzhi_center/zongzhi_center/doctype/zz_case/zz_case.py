# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import copy

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.workflow import get_workflow_name
from frappe.utils import cint, now_datetime, strip_html

from zongzhi_center.engine import masking
from zongzhi_center.exceptions import (
	CaseWithoutApplicantError,
	CaseWithoutFactsError,
	FirstReceiverImmutableError,
	InvalidIDNumberError,
	InvalidPhoneError,
	ReceivingCenterNotAllowedError,
	StateEditNotAllowedError,
	StateRequirementError,
	TierBelowCenterError,
)
from zongzhi_center.overrides import case_load, new_docs
from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.permissions.centers import allowed_centers, default_center
from zongzhi_center.services import (
	access,
	case_form,
	casefile,
	closing,
	corrections,
	dispatch,
	followup,
	intake,
	petitions,
	reviews,
	risk,
	routing,
	sla,
	tracking,
)
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.case_number import next_case_number
from zongzhi_center.utils import identity, levels
from zongzhi_center.zongzhi_center.doctype.zz_center.zz_center import region_code_for

RESOLVED_OUTCOMES = ("Resolved by Agreement", "Resolved", "Withdrawn")


class ZZCase(Document):
	def load_from_db(self):
		# a case's eight tables read by one plain query each (overrides/case_load.py says why)
		return case_load.load_from_db(self)

	def _set_defaults(self):
		# a new row's defaults only for the tables that have new rows (overrides/new_docs.py says why)
		new_docs.set_defaults(self)

	def before_insert(self):
		# 首问负责: whoever registers the case is its first receiver, whatever the request says
		self.first_receiver = frappe.session.user
		self.tracking_token = tracking.new_token()  # 192 random bits, unrelated to the case number
		self.case_number = None
		if not self.receiving_center:
			self.receiving_center = default_center(frappe.session.user)
		self.validate_receiving_center_allowed()
		# a new case is where it was received (Frappe may have filled the user's default centre in)
		self.current_center = self.receiving_center
		self.received_at = now_datetime()
		self.set_initial_state()

	def validate(self):
		before = None if self.is_new() else self.get_doc_before_save()
		# 更正: only the fields a clerk may correct differ from the stored case
		corrections.check_correction(self)
		self.guard_first_receiver()
		self.set_center_and_tier()
		self.report_input_problems()
		if self.is_new():
			petitions.apply_counters(self)  # 重复访: visits, calls, repeat and over-level flags feed the risk
		else:
			petitions.set_party_keys(self)
		reviews.validate(self, before)  # 复查/复核: made from the case reviewed, which is locked meanwhile
		intake.validate_external(self, before)
		risk.apply(self, before)
		routing.apply_moves(self, before)
		self.validate_tier()
		self.validate_state_requirements()
		closing.apply(self, before)  # the answer's time, 当场办结, how long a closed case reopens directly
		self.enforce_state_edit_permission()
		self.set_deadlines(before)
		self.record_state_change()

	def onload(self):
		reviews.onload(self)
		# 更正: the form offers the correction dialog to who may correct the case
		self.set_onload("zz_may_correct", corrections.may_correct(self))
		# the move targets, the duplicates at intake, the typical cases: with the case, not one request each
		case_form.set_onload(self)

	def after_insert(self):
		access.sync(self, new=True)  # 首问负责: the first receiver keeps read access wherever the case goes
		# what runs after the insert (on_update, the status webhooks' "state changed" condition, the Version)
		# compares the case with the case as inserted: a sister system hears of the case's state changes, not
		# of the case it has just sent and been answered about. A copy in memory, not the stored row again.
		self._doc_before_save = self.copy_as_is()

	def copy_as_is(self):
		"""The case with the same values (and its tables' rows), not a row built again from them."""
		copied = copy.copy(self)
		for df in self.meta.get_table_fields():
			copied.__dict__[df.fieldname] = list(self.get(df.fieldname) or [])
		return copied

	def on_update(self):
		risk.after_save(self)
		routing.after_save(self)
		dispatch.check_takers(self)  # a case routed where nobody can take it is flagged at once
		if not self.flags.in_insert and self.ownership_changed():  # after_insert shared a new case
			access.sync(self)
		if self.state_changed():
			followup.schedule(self)  # 跟踪回访 after resolution
			if self.workflow_state == wn.state("archived"):
				casefile.schedule(self)  # 一案一档

	def ownership_changed(self) -> bool:
		before = self.get_doc_before_save()

		def members(doc):
			return [(m.user, str(m.from_date or ""), str(m.to_date or "")) for m in doc.task_force]

		return not before or before.leader != self.leader or members(before) != members(self)

	def db_insert(self, *args, **kwargs):
		# the number is taken at the last moment, after every validation passed, so bad input uses none
		center = self.center_row() if self.current_center == self.receiving_center else {}
		region = center.get("region_code") or region_code_for(self.receiving_center)
		self.case_number = next_case_number(region, now_datetime().year)
		return super().db_insert(*args, **kwargs)

	# ------------------------------------------------------------------ intake
	def validate_receiving_center_allowed(self):
		if not self.receiving_center:
			frappe.throw(_("Choose the centre that receives the case."), exc=frappe.MandatoryError)
		user = frappe.session.user
		if is_unscoped(user):
			return
		allowed = allowed_centers(user)
		if allowed is None or self.receiving_center not in allowed:
			frappe.throw(
				_("You can register cases only for your own centre and the centres below it."),
				exc=ReceivingCenterNotAllowedError,
				title=_("Not Permitted"),
			)

	def guard_first_receiver(self):
		if self.is_new():
			return
		before = self.get_doc_before_save()
		if before and before.first_receiver != self.first_receiver:
			frappe.throw(
				_("The first receiver (首问) of a case never changes."),
				exc=FirstReceiverImmutableError,
				title=_("Not Permitted"),
			)

	def set_center_and_tier(self):
		self.current_center = self.current_center or self.receiving_center
		if not self.tier and self.current_center:
			self.tier = self.center_level()

	def center_level(self) -> str | None:
		return self.center_row().level

	def center_row(self) -> frappe._dict:
		"""The case's current centre's level and region code, read once a save: the tier is set and checked
		by the level, a new case's number begins with the region code."""
		read = self.flags.zz_center
		if not read or read[0] != (self.current_center, self.modified):
			row = frappe.db.get_value(
				"ZZ Center", self.current_center, ["level", "region_code"], as_dict=True
			)
			self.flags.zz_center = read = ((self.current_center, self.modified), row or frappe._dict())
		return read[1]

	# ------------------------------------------------------------------ content
	def report_input_problems(self):
		"""Every typing mistake of a save in one message — facts, each party's ID number and phone, the
		applicant, and the required fields left empty — so the clerk corrects them all at once. A single
		problem keeps its own title and kind of error."""
		problems: list[tuple[str, type, str]] = []  # (message, exception, title)
		self.validate_facts(problems)
		self.validate_parties(problems)
		if not problems:
			return
		# Frappe checks the required fields only after this, which would be one more refused save
		missing = self._get_missing_mandatory_fields()
		for row in self.get_all_children():
			missing.extend(row._get_missing_mandatory_fields())
		problems += [
			(message, frappe.MandatoryError, _("Missing Fields"))
			for field, message in missing
			if field not in ("facts", "parties")  # said above in the clerk's terms
		]
		message, exc, title = problems[0]
		if len(problems) > 1:
			message = [p[0] for p in problems]
			title = _("Please correct these {0} problems").format(len(problems))
		frappe.throw(message, exc=exc, title=title, as_list=len(problems) > 1)

	def validate_facts(self, problems: list):
		if not strip_html(self.facts or "").strip():
			problems.append(
				(
					_("Describe the facts of the case: what happened, and what the applicant asks for."),
					CaseWithoutFactsError,
					_("Facts Missing"),
				)
			)

	def validate_parties(self, problems: list):
		require_phone = cint(frappe.get_cached_value("ZZ Settings", "ZZ Settings", "require_applicant_phone"))
		for row in self.parties:
			row.party_name = (row.party_name or "").strip()
			self.normalise_identifier(row, problems)
			self.normalise_phone(row, require_phone, problems)
		if not any(row.party_role == "Applicant" for row in self.parties):
			problems.append(
				(
					_("A case needs at least one applicant (申请人) among its parties."),
					CaseWithoutApplicantError,
					_("Applicant Missing"),
				)
			)
		self.party_count = len(self.parties)

	def normalise_identifier(self, row, problems: list):
		# messages name the row, never the rejected number: ID numbers must not reach logs or error reports
		if masking.is_masked(row.id_number):
			return  # the stored mask, left as it was (the vault refuses any other mask)
		try:
			if row.party_type == "Organisation":
				row.id_number = identity.normalise_credit_code(row.id_number)
			else:
				row.id_number = identity.normalise_id_number(row.id_number)
		except identity.InvalidIdentifier:
			if row.party_type == "Organisation":
				message = _(
					"Parties row {0}: the unified social credit code is not valid (18 characters, check character last)."
				)
			else:
				message = _(
					"Parties row {0}: the resident ID number is not valid (18 characters, the last a digit or X, check digit per GB 11643)."
				)
			problems.append((message.format(row.idx), InvalidIDNumberError, _("Invalid ID Number")))

	def normalise_phone(self, row, require_phone: int, problems: list):
		if masking.is_masked(row.phone):
			return
		try:
			row.phone = identity.normalise_phone(row.phone)
		except identity.InvalidIdentifier:
			problems.append(
				(
					_(
						"Parties row {0}: the phone number is not a valid mainland mobile or landline number."
					).format(row.idx),
					InvalidPhoneError,
					_("Invalid Phone Number"),
				)
			)
			return
		if require_phone and not row.phone and row.party_role == "Applicant" and row.party_type == "Person":
			problems.append(
				(
					_(
						"Parties row {0}: an applicant needs a phone number so that the centre can reach them."
					).format(row.idx),
					InvalidPhoneError,
					_("Phone Number Missing"),
				)
			)

	def validate_tier(self):
		center_level = self.center_level()
		if levels.rank(self.tier) < levels.rank(center_level):
			frappe.throw(
				_(
					"The tier {0} is below the level of {1} ({2}): a case is handled at its centre's level or higher."
				).format(frappe.bold(_(self.tier)), frappe.bold(self.current_center), _(center_level)),
				exc=TierBelowCenterError,
				title=_("Invalid Tier"),
			)

	# ------------------------------------------------------------------ workflow
	def state_changed(self) -> bool:
		before = self.get_doc_before_save()
		return not before or before.workflow_state != self.workflow_state

	def validate_state_requirements(self):
		if not self.state_changed():
			return
		state = self.workflow_state
		if state == wn.state("not_accepted") and not (self.not_accepted_reason or "").strip():
			self.throw_requirement(
				_(
					"Write the reason for not accepting the case, and where the applicant can go instead, then save before declining it."
				)
			)
		if state == wn.state("routed") and not (self.handling_department or self.assigned_mediator):
			self.throw_requirement(
				_("Choose the handling department or the mediator and save before routing the case.")
			)
		if state == wn.state("resolved") and self.outcome not in RESOLVED_OUTCOMES:
			self.throw_requirement(
				_("Choose how the case was resolved (outcome) and save before marking it resolved.")
			)

	def set_deadlines(self, before):
		now = now_datetime()
		if self.workflow_state == wn.state("accepted") and not self.accepted_at:
			self.accepted_at = now
			self.clock_started_at = self.clock_started_at or now
		if self.workflow_state == wn.state("resolved") and self.state_changed():
			self.resolved_at = now  # 周调度 counts the cases resolved in a period by this
		sla.track_pauses(self, before.workflow_state if before else None, now)
		sla.refresh(self, now)

	def set_initial_state(self):
		# Frappe sets the workflow's first state only after validate(); the state history starts with it
		workflow_name = get_workflow_name(self.doctype)
		if workflow_name and not self.workflow_state:
			self.workflow_state = frappe.get_cached_doc("Workflow", workflow_name).states[0].state

	def record_state_change(self):
		"""The state history: what the public tracking page's milestones and the case file are made of."""
		if self.workflow_state and self.state_changed():
			self.append(
				"state_history",
				{"state": self.workflow_state, "changed_at": now_datetime(), "by_user": frappe.session.user},
			)

	def throw_requirement(self, message: str):
		frappe.throw(message, exc=StateRequirementError, title=_("Missing Information"))

	def enforce_state_edit_permission(self):
		"""Who may edit a case in a state is the Workflow's "Only Allow Edit For" — enforced here for the
		REST API as the desk enforces it in the form. Transitions are checked by Frappe's workflow."""
		if self.is_new() or self.flags.ignore_permissions or self.state_changed():
			return
		if self.flags.zz_correction:
			return  # 更正 of typing mistakes (services/corrections.py), checked at the start of validate
		user = frappe.session.user
		if is_unscoped(user):
			return
		workflow_name = get_workflow_name(self.doctype)
		if not workflow_name:
			return
		workflow = frappe.get_cached_doc("Workflow", workflow_name)
		editors = {row.allow_edit for row in workflow.states if row.state == self.workflow_state}
		if editors and not editors & set(frappe.get_roles(user)):
			frappe.throw(
				_("A case in state {0} can be edited only by: {1}.").format(
					frappe.bold(_(self.workflow_state)), ", ".join(_(r) for r in sorted(editors))
				),
				exc=StateEditNotAllowedError,
				title=_("Not Permitted"),
			)
