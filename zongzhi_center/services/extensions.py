"""延期: more time on a case's resolve-by, asked for with reasons and decided by a director.

The case's handler (its mediator, a handler of its handling department) or a dispatcher of its centre asks
for some days with a reason (a ZZ Deadline Extension); a director of the case's centre, or of a centre above
it, approves or refuses it through the ZZ Deadline Extension Workflow. Only an approval moves the deadline:
the resolve-by the rule gives is followed by the approved days (`extend`, called from services.sla.refresh,
so a later save, pause or rule change keeps them). Each request, approval and refusal is a row of the case's
routing log, a comment on its timeline and a notification.

Which way a request was decided is its `decision`, set by the workflow state's "Update Field": the
administrator may rename the states and actions, and the code reads the decision, not the names.

The rule the case runs under bounds the extensions (信访工作条例, 2022: a petition's handling time may
be extended once, by at most 30 days, with reasons): Extensions Allowed and Longest Extension (Days) on ZZ
Deadline Rule. A field left empty (0) sets no bound: an Int field cannot tell empty from 0, and most local
rules set none. The days count as the rule's resolve-by does: calendar days for a rule in calendar days (the
law's 日), working days otherwise. An extension is asked for and approved while the clock still runs and
before the resolve-by has passed: time added after a breach would hide it from the on-time rate. Extensions
belong to the clock they were granted on, and the limits count per clock: a move to another centre starts a
new clock under that centre's rule.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from zongzhi_center.exceptions import (
	ExtensionDeciderError,
	ExtensionNotAllowedError,
	ExtensionRequesterError,
)
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify

DOCTYPE = "ZZ Deadline Extension"
# values of the `decision` field (set by the workflow states' Update Field), not workflow names
PENDING, APPROVED, REFUSED = "Pending", "Approved", "Refused"
# moves in the case's routing log
REQUESTED_MOVE, EXTENDED_MOVE, REFUSED_MOVE = "Extension Requested", "Extended", "Extension Refused"


# ------------------------------------------------------------------ the clock
def on_this_clock(case) -> dict:
	"""Filters for the extensions of the case's running clock: a move to another centre starts a new clock
	(services.routing), under that centre's rule, and the extensions granted before it do not carry over."""
	return {
		"case": case.name,
		"clock_started_at": case.clock_started_at if case.clock_started_at else ["is", "not set"],
	}


def approved_days(case) -> int:
	"""Working (or calendar) days of every approved extension of the case's running clock."""
	if case.is_new():
		return 0
	# the deadline job reads them for a batch of cases at once (services.sla.case_rows)
	preloaded = getattr(case, "approved_extension_days", None)
	if preloaded is not None:
		return preloaded
	# get_all: the deadline is the same whoever saves the case
	rows = frappe.get_all(
		DOCTYPE, filters={**on_this_clock(case), "decision": APPROVED}, pluck="requested_days"
	)
	return sum(cint(days) for days in rows)


def add_days(clock, rule, due, days: int):
	"""``days`` after ``due``, counted as the rule counts its resolve-by."""
	from zongzhi_center.engine import deadlines as engine

	calendar_days = getattr(engine, "CALENDAR_DAYS", None)
	if calendar_days and rule is not None and rule.resolve and rule.resolve.unit == calendar_days:
		return engine.add_calendar_days(clock, due, days)
	return clock.add_working_days(due, days)


def extend(clock, rule, due, case):
	"""services.sla.refresh: the resolve-by the rule gives, followed by the approved extensions; stores
	the days and the resolve-by before them on the case (the on-time rate tells the two apart)."""
	days = approved_days(case)
	case.extension_days = days
	case.due_before_extension = due if days else None
	if not days or not due:
		return due
	return add_days(clock, rule, get_datetime(due), days)


# ------------------------------------------------------------------ limits
def limits(rule_name: str | None) -> tuple[int, int]:
	"""(extensions allowed, longest extension in days) of a deadline rule; 0 is no bound."""
	if not rule_name:
		return 0, 0
	values = frappe.db.get_value(
		"ZZ Deadline Rule", rule_name, ["max_extensions", "max_extension_days"], as_dict=True
	)
	if not values:
		return 0, 0
	return cint(values.max_extensions), cint(values.max_extension_days)


def check_limits(extension, case):
	"""The rule's bounds, the running clock, and one open request per case; raises a translated 4xx."""
	days = cint(extension.requested_days)
	if days < 1:
		refuse(_("Ask for at least one day."))
	if case.workflow_state in stopped_states():
		refuse(
			_("Case {0} is in state {1}: its deadline no longer runs, so it cannot be extended.").format(
				case.case_number, _(case.workflow_state)
			)
		)
	if not case.due_date:
		refuse(_("Case {0} has no resolve-by to extend.").format(case.case_number))
	if get_datetime(case.due_date) < now_datetime():
		refuse(
			_(
				"The resolve-by of case {0} has passed: an extension is asked for and approved before the deadline, not after it."
			).format(case.case_number)
		)
	most, longest = limits(case.deadline_rule)
	if longest and days > longest:
		refuse(
			_("The rule {0} allows an extension of at most {1} days; {2} were asked for.").format(
				case.deadline_rule, longest, days
			)
		)
	# get_all: every approval on this clock counts against the limit, whoever may read it
	done = frappe.get_all(
		DOCTYPE,
		filters={**on_this_clock(case), "decision": APPROVED, "name": ["!=", extension.name or ""]},
		pluck="name",
	)
	if most and len(done) >= most:
		refuse(
			_("The rule {0} allows {1} extension(s) of a case; case {2} has had {3}.").format(
				case.deadline_rule, most, case.case_number, len(done)
			)
		)


def check_no_open_request(extension, case):
	# the case row is locked first, so two requests at once cannot both find none open
	frappe.db.sql("select name from `tabZZ Case` where name = %s for update", (case.name,))
	open_request = frappe.db.get_value(
		DOCTYPE, {"case": case.name, "decision": PENDING, "name": ["!=", extension.name or ""]}
	)
	if open_request:
		refuse(
			_("Case {0} already has an extension request waiting for a decision.").format(case.case_number)
		)


def refuse(message: str):
	frappe.throw(message, exc=ExtensionNotAllowedError, title=_("Extension Not Allowed"))


def stopped_states() -> frozenset[str]:
	from zongzhi_center.services import rules

	return rules.settings_states("stopped_states")


# ------------------------------------------------------------------ who
def may_request(case, user: str) -> bool:
	"""The case's mediator, a handler of its handling department, or a dispatcher of its centre."""
	from zongzhi_center.permissions.case import department_handlers, is_unscoped
	from zongzhi_center.permissions.centers import allowed_centers

	if is_unscoped(user):
		return True
	if user and user == case.assignee_user:
		return True
	if case.handling_department and user in department_handlers([case.handling_department]):
		return True
	return wn.DISPATCHER in frappe.get_roles(user) and case.current_center in (allowed_centers(user) or ())


def check_requester(case, user: str):
	if not may_request(case, user):
		frappe.throw(
			_("Only the case's handler or a dispatcher of its centre may ask for an extension."),
			exc=ExtensionRequesterError,
			title=_("Not Permitted"),
		)


def check_decider(extension, case, user: str):
	"""A director of the case's centre or a centre above it, who did not ask for the extension."""
	from zongzhi_center.permissions.case import is_unscoped
	from zongzhi_center.permissions.centers import allowed_centers

	if user == extension.requested_by and user != "Administrator":
		frappe.throw(
			_("An extension is decided by someone other than who asked for it."),
			exc=ExtensionDeciderError,
			title=_("Not Permitted"),
		)
	if is_unscoped(user):
		return
	if wn.CENTER_DIRECTOR not in frappe.get_roles(user) or case.current_center not in (
		allowed_centers(user) or ()
	):
		frappe.throw(
			_("Only a director of the case's centre, or of a centre above it, may decide an extension."),
			exc=ExtensionDeciderError,
			title=_("Not Permitted"),
		)


def directors(center: str | None) -> list[str]:
	"""The directors of the centre, or of the nearest centre above it that has one."""
	from frappe.utils.nestedset import get_ancestors_of

	from zongzhi_center.services.routing import center_people

	if not center:
		return []
	for each in [center, *get_ancestors_of("ZZ Center", center, order_by="lft desc")]:
		people = center_people(each, (wn.CENTER_DIRECTOR,))
		if people:
			return people
	return []


# ------------------------------------------------------------------ what follows
def log_on_case(case, move: str, reason: str | None, extension):
	"""A row of the routing log and a save of the case as the system: the requester or director need not
	be allowed to edit the case in its state for the deadline to follow the decision."""
	from zongzhi_center.services import routing

	routing.log(case, move, reason=reason)
	case.flags.ignore_permissions = True
	case.save()


def on_requested(extension):
	case = frappe.get_doc("ZZ Case", extension.case)
	reason = _("{0} days asked for: {1}").format(extension.requested_days, extension.reason.strip())
	log_on_case(case, REQUESTED_MOVE, reason, extension)
	case.add_comment(
		"Info",
		_("An extension of {0} days was asked for ({1}): {2}").format(
			extension.requested_days,
			frappe.get_desk_link(DOCTYPE, extension.name),
			extension.reason.strip(),
		),
	)
	notify(
		directors(case.current_center),
		extension,
		_("Case {0}: an extension of {1} days waits for your decision").format(
			case.case_number, extension.requested_days
		),
		kind="Assignment",
	)


def on_decided(extension):
	case = frappe.get_doc("ZZ Case", extension.case)
	old_due = case.due_date
	if extension.decision == APPROVED:
		reason = _("{0} days approved: {1}").format(extension.requested_days, extension.reason.strip())
		log_on_case(case, EXTENDED_MOVE, reason, extension)
		case.reload()
		extension.db_set({"old_due_date": old_due, "new_due_date": case.due_date}, update_modified=False)
		text = _("The extension of {0} days ({1}) was approved: resolve by {2} instead of {3}.").format(
			extension.requested_days,
			frappe.get_desk_link(DOCTYPE, extension.name),
			case.due_date,
			old_due,
		)
		subject = _("Case {0}: your extension of {1} days was approved").format(
			case.case_number, extension.requested_days
		)
	else:
		note = (extension.decision_note or "").strip()
		log_on_case(case, REFUSED_MOVE, note, extension)
		extension.db_set({"old_due_date": old_due, "new_due_date": old_due}, update_modified=False)
		text = _("The extension of {0} days ({1}) was refused: {2}").format(
			extension.requested_days, frappe.get_desk_link(DOCTYPE, extension.name), note
		)
		subject = _("Case {0}: your extension of {1} days was refused").format(
			case.case_number, extension.requested_days
		)
	case.add_comment("Info", text)
	notify([extension.requested_by], extension, subject)
