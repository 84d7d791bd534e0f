"""Case deadlines (限时办结): the rule a case gets, its accept-by and resolve-by, pauses, its grade
(due soon, overdue, moderately and seriously overdue), and the scheduled job that acts on each new grade
once and escalates overdue cases when the rule says so.

The job is proportional to what changes: each case stores the next moment its status or grade can change
(``sla_next_check``), and the job looks only at cases whose moment has come, computing from their rows;
a case's document is loaded only where an action follows. A changed rule, calendar or setting brings every
running case's moment forward to now (``recheck_all``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from zongzhi_center.engine.deadlines import (
	DAYS,
	DUE_SOON,
	GRADE_DUE_SOON,
	GRADE_SERIOUS,
	GRADES,
	HOURS,
	OVERDUE,
	Budget,
	DeadlineRule,
	break_tie,
	clock_for,
	clock_state,
	deadlines_for,
	grading,
	most_specific,
	time_left,
)
from zongzhi_center.engine.worktime import WorkCalendar
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


class Setup:
	"""What refresh() reads besides the case: the working calendar, the deadline rules, the stopped
	states, the rules' legal sources, and the most specific rules for a kind of case. Read once for many
	cases (a batch of the deadline job) instead of once for each: the values are those the request's cache
	gives every case anyway. Each is read when first needed, as refresh() read it."""

	def __init__(self):
		# the most specific rules by (tier, category, colour, matter type, review level)
		self.picks = {}
		self.sources = {}

	@cached_property
	def calendar(self) -> WorkCalendar:
		return rules.work_calendar()

	@cached_property
	def deadline_rules(self) -> list[DeadlineRule]:
		return rules.deadline_rules()

	@cached_property
	def stopped_states(self) -> frozenset[str]:
		return rules.settings_states("stopped_states")

	@cached_property
	def fallback(self) -> DeadlineRule:
		return fallback_rule()

	def most_specific(self, case) -> list[DeadlineRule]:
		key = (case.tier, case.category, case.risk_color, case.get("matter_type"), case.get("review_level"))
		tied = self.picks.get(key)
		if tied is None:
			tied = self.picks[key] = most_specific(
				self.deadline_rules,
				case.tier,
				rules.category_path(case.category),
				case.risk_color,
				matter_type=key[3],
				review_level=key[4],
			)
		return tied

	def legal_source(self, rule_name: str | None) -> str | None:
		if rule_name not in self.sources:
			self.sources[rule_name] = rules.legal_source(rule_name)
		return self.sources[rule_name]


def rule_for(case, setup: Setup | None = None) -> DeadlineRule:
	setup = setup or Setup()
	start = get_datetime(case.clock_started_at or case.received_at or now_datetime())
	# pick_rule, in two steps: which rules are the most specific depends on the kind of case alone
	return break_tie(setup.most_specific(case), setup.calendar, start) or setup.fallback


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


def refresh(case, now=None, setup: Setup | None = None) -> DeadlineRule | None:
	"""Set the case's rule, accept-by, resolve-by and deadline status from the rules and its history;
	returns the rule (None once the case is finished with and no deadline runs). ``setup``: the rules and
	calendar read once for many cases."""
	now = now or now_datetime()
	setup = setup or Setup()
	case.received_at = case.received_at or now
	if case.workflow_state in setup.stopped_states:
		case.sla_status = ""
		case.sla_next_check = None
		# a finished case keeps the overdue grade it reached; being due soon no longer applies
		if case.get("overdue_grade") == GRADE_DUE_SOON:
			case.overdue_grade = ""
		return None
	rule = rule_for(case, setup)
	calendar = setup.calendar
	pauses = [(get_datetime(p.paused_at), p.resumed_at and get_datetime(p.resumed_at)) for p in case.pauses]
	deadlines = deadlines_for(
		rule,
		calendar,
		get_datetime(case.received_at),
		get_datetime(case.clock_started_at) if case.clock_started_at else None,
		pauses,
	)
	case.deadline_rule = rule.name or None
	case.deadline_source = setup.legal_source(rule.name) or None
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
	director's list with a 督办函 drafted), and escalated one tier when its rule says so.

	Proportional and set-based: the statuses and grades are computed from the cases' rows, what changed is
	written for many cases in one statement, and a case's document is loaded only for an escalation (its
	workflow routes it up); the notices of a grade are sent from the row. Safe to run twice at once: the
	cases to act on are locked and read again as last stored before anything is done, the grade acted on
	is stored with the action, and an escalation records the deadline it answered, so a second run waits
	and then finds nothing left to do. ``cases`` limits the run to those cases (a recheck of some cases by
	hand)."""
	now = get_datetime(now) if now else now_datetime()
	counts = {"checked": 0, "due_soon": 0, "overdue": 0, "moderate": 0, "serious": 0, "escalated": 0}
	recheck = recheck_marked() if cases is None else None
	names = cases_to_check(now, cases, everything=bool(recheck))
	frappe.local.zz_deadline_people = {}
	try:
		for begin in range(0, len(names), batch_size):
			check_batch(names[begin : begin + batch_size], now, counts)
	finally:
		frappe.local.zz_deadline_people = None
	if recheck and recheck_marked() == recheck:
		# unless changed again meanwhile: then the next run looks at them all once more
		frappe.cache().delete_value(RECHECK_KEY)
	return counts


def commit():
	# each batch is kept once done; a test keeps its transaction to roll it back
	if not frappe.flags.in_test:
		frappe.db.commit()


# cases acted on together under their row locks: a save of one of them waits at most for the group
ACT_GROUP = 500
# cases one UPDATE writes
WRITE_CHUNK = 500
# what the job writes besides the deadline fields: a seriously overdue case put on the director's list
ACTION_FIELDS = ("on_director_list",)


def check_batch(names: list[str], now, counts: dict[str, int]) -> None:
	"""Refresh a batch of cases from their rows and store what changed in a few statements; then act,
	group by group, on those that reached a new grade or are to be escalated. Every case looked at
	counts as checked; the others count what was done."""
	changes, as_read, acting = {}, {}, []
	setup = Setup()
	# a case to act on is read again in full, under its lock (act_on_group)
	for row in case_rows(names, notices=False):
		stored = {field: row.get(field) for field in DEADLINE_FIELDS}
		try:
			rule = refresh(row, now, setup)
		except Exception:
			log_failure(row.name)
			continue
		if rule is not None and needs_action(row, rule):
			acting.append(row.name)
			continue
		counts["checked"] += 1
		changed = changed_fields(row, stored)
		if changed:
			# the rules or the calendar may have changed since the case was saved (a holiday added, say)
			changes[row.name], as_read[row.name] = changed, row.modified
	try:
		# read without a lock: a case saved meanwhile keeps what its save stored (the save refreshed it)
		store(changes, as_read)
		commit()
	except Exception:
		# a save holding one of the cases too long: their next check stays, the next run stores them
		rollback()
		frappe.log_error(title=_("Deadline check failed for case {0}").format(next(iter(changes), "")))
	for begin in range(0, len(acting), ACT_GROUP):
		act_on_group(acting[begin : begin + ACT_GROUP], now, counts)
		commit()


def act_on_group(names: list[str], now, counts: dict[str, int]) -> None:
	"""Act on cases that reached a new grade or are to be escalated. Their rows are locked and read again
	first, as last stored: a second run of the job waits here until the first has stored what it did, and
	then finds the grade acted on or the breach answered. (The lock is the first statement after a commit,
	so what is read after it is as stored too.) A failure undoes that case's writes only."""
	try:
		rows = case_rows(names, lock=True)
	except Exception:
		# a lock not had (a save holding one of the cases too long): the cases' next check stays, the
		# next run acts on them
		rollback()
		frappe.log_error(title=_("Deadline check failed for case {0}").format(names[0]))
		return
	changes, notes = {}, {}
	setup = Setup()
	for row in rows:
		stored = {field: row.get(field) for field in DEADLINE_FIELDS}
		try:
			rule = refresh(row, now, setup)
		except Exception:
			log_failure(row.name)
			continue
		escalate = rule is not None and needs_escalation(row, rule)
		act = rule is not None and not escalate and needs_action(row, rule)
		# an escalation and a seriously overdue case write several records, undone together if one fails;
		# the other grades write one (their notice)
		guarded = escalate or (act and row.overdue_grade == GRADE_SERIOUS)
		if guarded:
			frappe.db.savepoint("zz_deadline_check")
		try:
			outcome = "checked"
			if escalate:
				# the escalation routes the case up through its workflow: the document's save; it stores
				# the case's deadline fields itself
				outcome = update_case(row.name, now)
			elif act:
				outcome, note = act_on_row(row, rule, now)
				if note:
					notes[row.name] = note
		except Exception:
			if guarded:
				frappe.db.rollback(save_point="zz_deadline_check")
			log_failure(row.name)
			continue
		counts["checked"] += 1
		if outcome != "checked":
			counts[outcome] += 1
		changed = {} if escalate else changed_fields(row, stored)
		if row.get("on_director_list"):
			changed["on_director_list"] = 1
		if changed:
			changes[row.name] = changed
	store(changes)
	add_timeline_notes(notes)


def act_on_row(row, rule: DeadlineRule, now) -> tuple[str, str | None]:
	"""The notices (and for seriously overdue, the director's list and the 督办函) of the grade the case
	reached, sent from its row; the grade is stored as acted on with the case's other deadline fields.
	Returns the outcome and what the case's timeline is to note."""
	from zongzhi_center.services import overdue

	reached = row.overdue_grade or ""
	note = overdue.act_on_grade(row, reached, rule)
	row.overdue_grade_notified = reached
	row.sla_next_check = grading_next_check(row, rule, now)
	return GRADE_OUTCOME[reached], note


def add_timeline_notes(notes: dict[str, str]) -> None:
	"""The cases' Info comments (seriously overdue: on the director's list, the 督办函 drafted) in one
	insert, the rows Document.add_comment writes; a form open at that moment shows them when reloaded."""
	if not notes:
		return
	at, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		"Comment",
		COMMENT_COLUMNS,
		[
			(frappe.generate_hash(length=10), at, at, user, user, "Info", user, "ZZ Case", name, note)
			for name, note in notes.items()
		],
	)


COMMENT_COLUMNS = [
	"name", "creation", "modified", "owner", "modified_by", "comment_type", "comment_email",
	"reference_doctype", "reference_name", "content",
]  # fmt: skip


def store(changes: dict[str, dict], as_read: dict | None = None) -> None:
	"""Write each case's changed deadline fields, many cases to an UPDATE: the cases joined by name to the
	rows of their new values, each column taking the new value where it changed. As before, the job's
	refresh is not an edit of the case: no modified timestamp, no Version in its timeline (what the
	timeline shows of a grade is its notices and, seriously overdue, the comment naming the 督办函).
	``as_read``: the modified timestamp each case was read with; a case saved since is left as its save
	stored it."""
	names = list(changes)
	for begin in range(0, len(names), WRITE_CHUNK):
		chunk = names[begin : begin + WRITE_CHUNK]
		fields = [f for f in (*DEADLINE_FIELDS, *ACTION_FIELDS) if any(f in changes[n] for n in chunk)]
		# after a rule or calendar change most cases change the same fields (their deadlines, their next
		# check): then every row takes every new value, without telling per row which changed
		same = set(fields)
		uniform = all(changes[n].keys() == same for n in chunk)
		columns = ["name", *([] if uniform else ["changed"]), *fields, *(["as_read"] if as_read else [])]
		values = []
		for name in chunk:
			changed = changes[name]
			values += [name, *([] if uniform else [",".join(changed)]), *(changed.get(f) for f in fields)]
			if as_read:
				values.append(as_read[name])
		# the first row names the columns; the others follow as a table value constructor, which the
		# database reads faster than a SELECT each
		rows = "select {}".format(", ".join(f"%s as `{c}`" for c in columns))
		if len(chunk) > 1:
			row = "({})".format(", ".join(["%s"] * len(columns)))
			rows += " union all values " + ", ".join([row] * (len(chunk) - 1))
		frappe.db.sql(
			"""update `tabZZ Case` c join ({rows}) v on c.`name` = v.`name`{guard}
			set {columns}""".format(
				rows=rows,
				guard=" and c.`modified` = v.`as_read`" if as_read else "",
				columns=", ".join(
					f"c.`{f}` = v.`{f}`"
					if uniform
					else f"c.`{f}` = if(find_in_set('{f}', v.`changed`), v.`{f}`, c.`{f}`)"
					for f in fields
				),
			),
			values,
		)
	forget_public_views(changes)


def forget_public_views(changes: dict[str, dict]) -> None:
	"""The public tracking page shows the case's deadline: its kept view is forgotten when that changed,
	as a save of the case forgets it (services/tracking.py), in one call for all of them."""
	from zongzhi_center.services import tracking

	shown = set(tracking.PUBLIC_FIELDS)
	keys = [
		tracking.VIEW_KEY.format(name) for name, changed in changes.items() if shown.intersection(changed)
	]
	if keys:
		frappe.cache.delete_value(keys)


def rollback():
	if not frappe.flags.in_test:
		frappe.db.rollback()


def log_failure(name: str) -> None:
	# the row's own refresh writes nothing; a failed action changes nothing: the next run looks again
	frappe.log_error(title=_("Deadline check failed for case {0}").format(name))


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
	# by name: a batch reads and writes neighbouring rows of the table, not rows scattered over it
	return query.orderby(case.name).run(pluck=True)


# what a grade's notices name of a case (services/overdue.py), besides what refresh() reads
NOTICE_FIELDS = (
	"case_number",
	"first_receiver",
	"assigned_mediator",
	"assignee_user",
	"current_center",
	"handling_department",
)


def case_rows(names: list[str], lock: bool = False, notices: bool = True) -> list:
	"""The cases' fields refresh() and a grade's notices read, their pauses, approved extensions and
	mediators' users, in four queries. With ``lock``, the cases' rows locked and read as last stored.
	Without ``notices``, only what refresh() reads: a job's look at every open case reads a fifth less."""
	meta = frappe.get_meta("ZZ Case")
	fields = [
		"name",
		"modified",
		*(NOTICE_FIELDS if notices else ()),
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
	# SQL, not get_all: get_all takes no row lock, and the scheduler's reading needs no permission. The
	# date-times are read as text and parsed by Python's ISO reader: a tenth of the time of the database
	# driver's conversion, which is most of reading a hundred thousand cases
	moments = {"modified", *(f for f in fields if (meta.get_field(f) or {}).get("fieldtype") == "Datetime")}
	columns = ", ".join(f"cast(`{f}` as char) as `{f}`" if f in moments else f"`{f}`" for f in fields)
	rows = frappe.db.sql(
		"select {} from `tabZZ Case` where `name` in %(names)s{}".format(
			columns, " for update" if lock else ""
		),
		{"names": tuple(names)},
	)
	# read as tuples, each made a row once: a dict a row and its copy cost as much as the reading
	parse = [(i, datetime.fromisoformat) for i, f in enumerate(fields) if f in moments]
	rows = [CaseRow(zip(fields, parsed(row, parse), strict=True)) for row in rows]
	pauses = {}
	# SQL, as the cases: get_all spends longer building a condition on two thousand names than the
	# database takes to answer it
	for pause in frappe.db.sql(
		"""select `parent`, `paused_at`, `resumed_at` from `tabZZ Case Pause`
		where `parenttype` = 'ZZ Case' and `parent` in %(names)s order by `parent`, `idx`""",
		{"names": tuple(names)},
		as_dict=True,
	):
		pauses.setdefault(pause.parent, []).append(pause)
	extended = approved_extension_days(names)
	mediators = (
		mediator_users({row.assigned_mediator for row in rows if row.assigned_mediator}) if notices else {}
	)
	for row in rows:
		row.pauses = pauses.get(row.name, [])
		row.approved_extension_days = extended.get((row.name, str(row.clock_started_at or "")), 0)
		if notices:
			row.mediator_user = mediators.get(row.assigned_mediator)
	return rows


def parsed(row: tuple, parse) -> list:
	"""The row with its date-times, read as text, parsed."""
	row = list(row)
	for i, reader in parse:
		if row[i]:
			row[i] = reader(row[i])
	return row


def mediator_users(mediators) -> dict[str, str]:
	if not mediators:
		return {}
	return dict(
		frappe.get_all(
			"ZZ Stationed Staff",
			filters={"name": ["in", list(mediators)]},
			fields=["name", "user"],
			as_list=True,
		)
	)


def mediator_user(case) -> str | None:
	"""The user of the case's stationed mediator: read with a row, looked up for a document."""
	if isinstance(case, CaseRow) and "mediator_user" in case:
		return case.mediator_user
	return (
		frappe.db.get_value("ZZ Stationed Staff", case.assigned_mediator, "user")
		if case.assigned_mediator
		else None
	)


def people_at(center: str | None, roles) -> list[str]:
	"""routing.center_people, remembered for the length of a run of the job: the same centres' dispatchers
	and directors are told of many cases."""
	from zongzhi_center.services.routing import center_people

	memo = getattr(frappe.local, "zz_deadline_people", None)
	if memo is None:
		return center_people(center, roles)
	key = (center, tuple(roles))
	if key not in memo:
		memo[key] = center_people(center, roles)
	return memo[key]


def approved_extension_days(names: list[str]) -> dict[tuple[str, str], int]:
	"""Approved extension days by case and the clock they were granted on, in one query
	(services/extensions.py counts those of the running clock)."""
	from zongzhi_center.services import extensions

	days = {}
	# no user's permission: the deadline is the same whoever's job runs (SQL, as case_rows reads)
	for row in frappe.db.sql(
		f"""select `case`, `clock_started_at`, `requested_days` from `tab{extensions.DOCTYPE}`
		where `case` in %(names)s and `decision` = %(approved)s""",
		{"names": tuple(names), "approved": extensions.APPROVED},
		as_dict=True,
	):
		key = (row.case, str(row.clock_started_at or ""))
		days[key] = days.get(key, 0) + cint(row.requested_days)
	return days


class CaseRow(frappe._dict):
	"""A stored case's row, read by refresh() in place of its document, and named by the notices of its
	grade as the document would be."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self.setdefault("doctype", "ZZ Case")

	def is_new(self) -> bool:
		return False


def changed_fields(case, stored: dict) -> dict:
	changed = {}
	for f in DEADLINE_FIELDS:
		value, before = case.get(f), stored[f]
		# a value equal to the stored one, of the same type, reads the same: most of them, not compared
		# as text
		if (type(value) is not type(before) or value != before) and str(value or "") != str(before or ""):
			changed[f] = value
	return changed


def running_against(case):
	"""The deadline the case's clock runs against: resolve-by once accepted (or when its rule sets no
	accept-by, as a 复查's 30 days run from the request), accept-by before."""
	due = case.due_date if case.accepted_at or not case.accept_by else case.accept_by
	return get_datetime(due) if due else None


def needs_action(case, rule: DeadlineRule) -> bool:
	if GRADE_RANK[case.overdue_grade or ""] > GRADE_RANK[case.overdue_grade_notified or ""]:
		return True
	return needs_escalation(case, rule)


def needs_escalation(case, rule: DeadlineRule) -> bool:
	"""Overdue under a rule that escalates, and this breach not yet escalated."""
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
		note = overdue.act_on_grade(case, reached, rule)
		if note:
			case.add_comment("Info", note)
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
	users = [case.first_receiver, mediator_user(case)]
	users += people_at(case.current_center, (wn.DISPATCHER, wn.CENTER_DIRECTOR))
	return users
