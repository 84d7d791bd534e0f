"""Case deadlines (限时办结): the rule a case gets, its accept-by and resolve-by, pauses, its grade
(due soon, overdue, moderately and seriously overdue), and the scheduled job that acts on each new grade
once and escalates overdue cases when the rule says so.

The job is proportional to what changes: each case stores the next moment its status or grade can change
(``sla_next_check``), and the job looks only at cases whose moment has come, computing from their rows;
a case's document is loaded only where an action follows. A changed rule, calendar or setting brings every
running case's moment forward to now (``recheck_all``)."""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from zongzhi_center.engine.deadlines import (
	DAYS,
	DUE_SOON,
	GRADE_DUE_SOON,
	GRADES,
	HOURS,
	OVERDUE,
	Budget,
	DeadlineRule,
	clock_for,
	clock_state,
	deadlines_for,
	grading,
	pick_rule,
	time_left,
)
from zongzhi_center.services import extensions, rules
from zongzhi_center.services import workflow_names as wn

# statuses the scheduled job looks at: cases whose clock runs
RUNNING = ("On Track", "Due Soon", "Overdue")
# what refresh() sets, and the job stores when it changed
DEADLINE_FIELDS = (
	"deadline_rule",
	"accept_by",
	"due_date",
	"sla_status",
	"is_overdue",
	"deadline_source",
	"overdue_grade",
	"overdue_grade_notified",
	"sla_next_check",
)
GRADE_RANK = {grade: rank for rank, grade in enumerate(GRADES)}
# the job's outcome for a case that reached each grade
GRADE_OUTCOME = {
	"Due Soon": "due_soon",
	"Overdue": "overdue",
	"Moderately Overdue": "moderate",
	"Seriously Overdue": "serious",
}


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
			matter_type=case.get("matter_type"),
			review_level=case.get("review_level"),
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
		case.sla_next_check = None
		# a finished case keeps the overdue grade it reached; being due soon no longer applies
		if case.get("overdue_grade") == GRADE_DUE_SOON:
			case.overdue_grade = ""
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
	case.deadline_source = rules.legal_source(rule.name) or None
	case.accept_by = deadlines.accept_by
	# 延期: approved extensions follow the rule's resolve-by (services/extensions.py)
	case.due_date = extensions.extend(clock_for(calendar, rule), rule, deadlines.resolve_by, case)
	due = running_against(case)
	clock = clock_for(calendar, rule)
	warn = warn_before(rule, clock)
	paused = bool(pauses and pauses[-1][1] is None)
	left = time_left(clock, now, due, pauses) if due and not paused and now <= due else None
	case.sla_status = clock_state(due, now, paused, warn, left)
	if case.sla_status == OVERDUE:
		case.is_overdue = 1
	grade_case(
		case, grading(clock, due, warn, rule.moderate_after_days, rule.serious_after_days), now, paused
	)
	return rule


def warn_before(rule: DeadlineRule, clock) -> timedelta:
	"""How much working time ahead of its deadline a case is due soon: the rule's working days, or the
	settings' hours for a rule that gives none."""
	if rule.warn_before_days:
		return rule.warn_before_days * clock.day_length
	return timedelta(hours=cint(frappe.db.get_single_value("ZZ Settings", "due_soon_hours")))


def grade_case(case, grades, now, paused: bool):
	"""The case's grade, and when the job looks at it next: when the grade can next change, or now while
	a grade reached is not yet acted on."""
	if case.sla_status == OVERDUE:
		case.overdue_grade = grades.grade(now)
	else:
		case.overdue_grade = GRADE_DUE_SOON if case.sla_status == DUE_SOON else ""
	reached, acted = (
		GRADE_RANK[case.overdue_grade or ""],
		GRADE_RANK[case.get("overdue_grade_notified") or ""],
	)
	if reached < acted and not paused:
		# a new deadline (an extension, a new tier's clock): its grades are acted on again when reached;
		# a pause only holds the clock, and what was told before it is not told again after it
		case.overdue_grade_notified = case.overdue_grade
	case.sla_next_check = now if reached > acted else grades.next_change(now, paused)


# set when every running case is to be looked at again, cleared by the run that did
RECHECK_KEY = "zz_deadline_recheck_all"


def recheck_all(*args, **kwargs):
	"""Every running case is looked at by the next run of the job: a rule, the calendar or a setting
	changed (and daily, in case the mark was lost with the cache). Marked once in the cache, not on each
	case nor in a settings row: the save that changed a rule locks nothing the job or another save needs;
	a mark left by a change rolled back costs one full run, nothing else."""
	frappe.cache().set_value(RECHECK_KEY, str(now_datetime()))


def recheck_marked() -> str | None:
	return frappe.cache().get_value(RECHECK_KEY)


def update_open_cases(now=None, batch_size: int = 2000, cases: list[str] | None = None) -> dict[str, int]:
	"""Scheduled: every running case whose next check has come gets its status and grade refreshed from
	its row; a case reaching a new grade is acted on once (services/overdue.py: due soon and overdue told
	to the people handling it, moderately overdue to the director too, seriously overdue put on the
	director's list with a 督办函 drafted), and escalated one tier when its rule says so. Safe to run
	twice at once: a case is locked while it is acted on, the grade acted on is stored, and an escalation
	records the deadline it answered, so the same breach is never escalated twice. ``cases`` limits the
	run to those cases (a recheck of some cases by hand)."""
	now = get_datetime(now) if now else now_datetime()
	counts = {"checked": 0, "due_soon": 0, "overdue": 0, "moderate": 0, "serious": 0, "escalated": 0}
	recheck = recheck_marked() if cases is None else None
	names = cases_to_check(now, cases, everything=bool(recheck))
	for begin in range(0, len(names), batch_size):
		for row in case_rows(names[begin : begin + batch_size]):
			outcome = check_case(row, now)
			if outcome is None:
				continue
			counts["checked"] += 1  # every case looked at; the others count what it did
			if outcome != "checked":
				counts[outcome] += 1
		commit()
	if recheck and recheck_marked() == recheck:
		# unless changed again meanwhile: then the next run looks at them all once more
		frappe.cache().delete_value(RECHECK_KEY)
	return counts


def commit():
	# each batch is kept once done; a test keeps its transaction to roll it back
	if not frappe.flags.in_test:
		frappe.db.commit()


def cases_to_check(now, cases: list[str] | None = None, everything: bool = False) -> list[str]:
	"""The running cases whose next check has come (all running cases with ``everything``). The query
	builder, not get_all: the scheduler looks at every centre's cases, and get_all would wrap the date in
	ifnull(), which matches the cases with nothing left to check and keeps the (sla_status,
	sla_next_check) index from finding the few whose moment has come among all the open ones."""
	case = frappe.qb.DocType("ZZ Case")
	query = frappe.qb.from_(case).select(case.name).where(case.sla_status.isin(RUNNING))
	if not everything:
		query = query.where(case.sla_next_check <= now)
	if cases is not None:
		query = query.where(case.name.isin(cases or [""]))
	return query.orderby(case.sla_next_check).run(pluck=True)


def case_rows(names: list[str]) -> list:
	"""The cases' fields refresh() reads, and their pauses, in two queries."""
	meta = frappe.get_meta("ZZ Case")
	fields = [
		"name",
		"workflow_state",
		"tier",
		"category",
		"risk_color",
		"matter_type",
		"received_at",
		"accepted_at",
		"clock_started_at",
		"escalated_for",
		*DEADLINE_FIELDS,
	]
	# the review level is a petition's (复查/复核); read where the site has it
	fields += [f for f in ("review_level",) if meta.has_field(f)]
	rows = [CaseRow(row) for row in frappe.get_all("ZZ Case", filters={"name": ["in", names]}, fields=fields)]
	pauses = {}
	for pause in frappe.get_all(
		"ZZ Case Pause",
		filters={"parenttype": "ZZ Case", "parent": ["in", names]},
		fields=["parent", "paused_at", "resumed_at"],
		order_by="parent, idx",
	):
		pauses.setdefault(pause.parent, []).append(pause)
	extended = approved_extension_days(names)
	for row in rows:
		row.pauses = pauses.get(row.name, [])
		row.approved_extension_days = extended.get((row.name, str(row.clock_started_at or "")), 0)
	return rows


def approved_extension_days(names: list[str]) -> dict[tuple[str, str], int]:
	"""Approved extension days by case and the clock they were granted on, in one query
	(services/extensions.py counts those of the running clock)."""
	from zongzhi_center.services import extensions

	days = {}
	# get_all: the deadline is the same whoever's job runs
	for row in frappe.get_all(
		extensions.DOCTYPE,
		filters={"case": ["in", names], "decision": extensions.APPROVED},
		fields=["case", "clock_started_at", "requested_days"],
	):
		key = (row.case, str(row.clock_started_at or ""))
		days[key] = days.get(key, 0) + cint(row.requested_days)
	return days


class CaseRow(frappe._dict):
	"""A stored case's row, read by refresh() in place of its document."""

	def is_new(self) -> bool:
		return False


def check_case(row, now) -> str | None:
	"""Refresh one case from its row; load it and act only when it reached a new grade or is to be
	escalated. None when the check failed (logged)."""
	stored = {field: row.get(field) for field in DEADLINE_FIELDS}
	try:
		rule = refresh(row, now)
		if rule is not None and needs_action(row, rule):
			# a failure undoes this case's writes only, not the batch's before it
			frappe.db.savepoint("zz_deadline_check")
			try:
				outcome = update_case(row.name, now)
			except Exception:
				frappe.db.rollback(save_point="zz_deadline_check")
				raise
			commit()
			return outcome
		changed = changed_fields(row, stored)
		if changed:
			# the rules or the calendar may have changed since the case was saved (a holiday added, say)
			frappe.db.set_value("ZZ Case", row.name, changed, update_modified=False)
		return "checked"
	except Exception:
		# the row's own refresh writes nothing; a failed single update changes nothing
		frappe.log_error(title=_("Deadline check failed for case {0}").format(row.name))
		return None


def changed_fields(case, stored: dict) -> dict:
	return {f: case.get(f) for f in DEADLINE_FIELDS if str(case.get(f) or "") != str(stored[f] or "")}


def running_against(case):
	"""The deadline the case's clock runs against: resolve-by once accepted (or when its rule sets no
	accept-by, as a 复查's 30 days run from the request), accept-by before."""
	due = case.due_date if case.accepted_at or not case.accept_by else case.accept_by
	return get_datetime(due) if due else None


def needs_action(case, rule: DeadlineRule) -> bool:
	if GRADE_RANK[case.overdue_grade or ""] > GRADE_RANK[case.overdue_grade_notified or ""]:
		return True
	if case.sla_status == OVERDUE and rule.auto_escalate:
		return not (case.escalated_for and get_datetime(case.escalated_for) == running_against(case))
	return False


def update_case(name: str, now) -> str:
	"""Refresh one case under its row lock and act on what it reached: an escalation, or a new grade."""
	from zongzhi_center.services import overdue

	# the row lock makes a second run wait here and then see what the first one did
	frappe.db.sql("select name from `tabZZ Case` where name = %s for update", (name,))
	case = frappe.get_doc("ZZ Case", name)
	stored = {field: case.get(field) for field in DEADLINE_FIELDS}
	rule = refresh(case, now)
	if rule is not None and case.sla_status == OVERDUE and rule.auto_escalate:
		breached = running_against(case)
		already = case.escalated_for and get_datetime(case.escalated_for) == breached
		if not already:
			from zongzhi_center.services.routing import auto_escalate

			if auto_escalate(case, breached):
				return "escalated"
	reached = case.overdue_grade or ""
	outcome = "checked"
	if rule is not None and GRADE_RANK[reached] > GRADE_RANK[case.overdue_grade_notified or ""]:
		overdue.act_on_grade(case, reached, rule)
		case.overdue_grade_notified = reached
		case.sla_next_check = grading_next_check(case, rule, now)
		outcome = GRADE_OUTCOME[reached]
	changed = changed_fields(case, stored)
	if changed:
		case.db_set(changed, update_modified=False)
	return outcome


def grading_next_check(case, rule: DeadlineRule, now):
	"""When the case's grade can next change, once the grade it reached is acted on."""
	calendar = clock_for(rules.work_calendar(), rule)
	due = running_against(case)
	if due is None:
		return None
	grades = grading(
		calendar, due, warn_before(rule, calendar), rule.moderate_after_days, rule.serious_after_days
	)
	return grades.next_change(now)


def overdue_recipients(case) -> list[str]:
	from zongzhi_center.services.routing import center_people

	users = [case.first_receiver]
	if case.assigned_mediator:
		users.append(frappe.db.get_value("ZZ Stationed Staff", case.assigned_mediator, "user"))
	users += center_people(case.current_center, (wn.DISPATCHER, wn.CENTER_DIRECTOR))
	return users
