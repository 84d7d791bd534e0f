"""Case deadlines (限时办结): the rule a case gets, its accept-by and resolve-by, pauses, and the
scheduled job that marks overdue cases and escalates them when the rule says so."""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from zongzhi_center.engine.deadlines import (
	DAYS,
	HOURS,
	OVERDUE,
	Budget,
	DeadlineRule,
	clock_for,
	clock_state,
	deadlines_for,
	pick_rule,
	time_left,
)
from zongzhi_center.services import rules
from zongzhi_center.services.notify import notify

# statuses the scheduled job looks at: cases whose clock runs
RUNNING = ("On Track", "Due Soon", "Overdue")
# what refresh() sets, and the job stores when it changed
DEADLINE_FIELDS = ("deadline_rule", "accept_by", "due_date", "sla_status", "is_overdue")


def fallback_rule() -> DeadlineRule:
	"""ZZ Settings' default limits, for a case no deadline rule matches."""
	settings = frappe.get_cached_doc("ZZ Settings")
	return DeadlineRule(
		name="",
		accept=Budget(cint(settings.default_accept_hours) or 24, HOURS),
		resolve=Budget(cint(settings.default_resolve_days) or 30, DAYS),
	)


def rule_for(case) -> DeadlineRule:
	calendar = rules.work_calendar()
	start = get_datetime(case.clock_started_at or case.received_at or now_datetime())
	return (
		pick_rule(
			rules.deadline_rules(),
			case.tier,
			rules.category_path(case.category),
			case.risk_color,
			calendar,
			start,
		)
		or fallback_rule()
	)


def track_pauses(case, before_state: str | None, now=None):
	"""Open a pause when the case enters a paused state, close it when it leaves."""
	now = now or now_datetime()
	paused = rules.settings_states("paused_states")
	if case.workflow_state in paused and before_state not in paused:
		case.append("pauses", {"paused_at": now, "state": case.workflow_state})
	elif before_state in paused and case.workflow_state not in paused:
		for row in case.pauses:
			if not row.resumed_at:
				row.resumed_at = now


def refresh(case, now=None) -> DeadlineRule | None:
	"""Set the case's rule, accept-by, resolve-by and deadline status from the rules and its history;
	returns the rule (None once the case is finished with and no deadline runs)."""
	now = now or now_datetime()
	case.received_at = case.received_at or now
	if case.workflow_state in rules.settings_states("stopped_states"):
		case.sla_status = ""
		return None
	rule = rule_for(case)
	calendar = rules.work_calendar()
	pauses = [(get_datetime(p.paused_at), p.resumed_at and get_datetime(p.resumed_at)) for p in case.pauses]
	deadlines = deadlines_for(
		rule,
		calendar,
		get_datetime(case.received_at),
		get_datetime(case.clock_started_at) if case.clock_started_at else None,
		pauses,
	)
	case.deadline_rule = rule.name or None
	case.accept_by = deadlines.accept_by
	case.due_date = deadlines.resolve_by
	running_against = case.due_date if case.accepted_at else case.accept_by
	due = running_against and get_datetime(running_against)
	warn = timedelta(hours=cint(frappe.db.get_single_value("ZZ Settings", "due_soon_hours")))
	paused = bool(pauses and pauses[-1][1] is None)
	left = (
		time_left(clock_for(calendar, rule), now, due, pauses) if due and not paused and now <= due else None
	)
	case.sla_status = clock_state(due, now, paused, warn, left)
	if case.sla_status == OVERDUE:
		case.is_overdue = 1
	return rule


def update_open_cases(now=None) -> dict[str, int]:
	"""Scheduled: every case whose clock runs gets its status refreshed; newly overdue cases are
	reported to their assignee, dispatchers and director, and escalated one tier when their rule
	says so. Safe to run twice at once: each case is locked while it is looked at, and an escalation
	records the deadline it answered, so the same breach is never escalated twice."""
	now = now or now_datetime()
	counts = {"checked": 0, "overdue": 0, "escalated": 0}
	# get_all: the scheduler looks at every centre's cases
	for name in frappe.get_all("ZZ Case", filters={"sla_status": ["in", RUNNING]}, pluck="name"):
		try:
			outcome = update_case(name, now)
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("Deadline check failed for case {0}").format(name))
			continue
		counts["checked"] += 1  # every case looked at; "overdue" and "escalated" count what it did
		if outcome != "checked":
			counts[outcome] += 1
	return counts


def update_case(name: str, now) -> str:
	# the row lock makes a second run wait here and then see what the first one did
	frappe.db.sql("select name from `tabZZ Case` where name = %s for update", (name,))
	case = frappe.get_doc("ZZ Case", name)
	before = case.sla_status
	stored = {field: case.get(field) for field in DEADLINE_FIELDS}
	rule = refresh(case, now)
	if case.sla_status != OVERDUE:
		# the rules or the calendar may have changed since the case was saved (a holiday added, say)
		changed = {f: case.get(f) for f in DEADLINE_FIELDS if str(case.get(f) or "") != str(stored[f] or "")}
		if changed:
			case.db_set(changed, update_modified=False)
		return "checked"
	breached = get_datetime(case.due_date if case.accepted_at else case.accept_by)
	already = case.escalated_for and get_datetime(case.escalated_for) == breached
	if rule.auto_escalate and not already:
		from zongzhi_center.services.routing import auto_escalate

		if auto_escalate(case, breached):
			return "escalated"
	if before != OVERDUE:
		case.db_set({"sla_status": OVERDUE, "is_overdue": 1}, update_modified=False)
		notify(
			overdue_recipients(case),
			case,
			_("Case {0} is overdue").format(case.case_number),
		)
		return "overdue"
	return "checked"


def overdue_recipients(case) -> list[str]:
	from zongzhi_center.services.routing import center_people

	users = [case.first_receiver]
	if case.assigned_mediator:
		users.append(frappe.db.get_value("ZZ Stationed Staff", case.assigned_mediator, "user"))
	users += center_people(case.current_center, ("ZZ Dispatcher", "ZZ Center Director"))
	return users
