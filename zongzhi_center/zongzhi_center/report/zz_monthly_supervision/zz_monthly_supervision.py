"""月督查 monthly supervision, by department: overdue cases, how punctually departments checked in to and
answered 吹哨报到 consultations, and the 督办函 (supervision letters) they received in the period."""

import frappe
from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import col

CASE = "ZZ Case"
CONSULTATION = "ZZ Consultation"
SUMMONED = "ZZ Consultation Department"
NOTICE = "ZZ Supervision Notice"
COUNT = {"n": "count(*)"}
CHECK_IN = {"On Time": "checked_in_on_time", "Late": "checked_in_late", "Absent": "absent"}
REPLY = {"On Time": "replied_on_time", "Late": "replied_late", "Missing": "reply_missing"}
LETTER = {"Replied": "letters_replied", "Reply Overdue": "letters_overdue"}
METRICS = (
	"overdue_now",
	"overdue_in_period",
	"summoned",
	*CHECK_IN.values(),
	*REPLY.values(),
	"letters",
	*LETTER.values(),
)


def execute(filters=None):
	filters = reports.parse(filters)
	case_keys = {"department": col(CASE, "handling_department")}
	case_scope = reports.center_filter(CASE, "current_center", filters)
	rows = {
		(r.department,): r
		for r in reports.merge(
			["department"],
			overdue_now=reports.grouped(
				CASE, case_keys, COUNT, [*case_scope, [CASE, "sla_status", "=", "Overdue"]]
			),
			overdue_in_period=reports.grouped(
				CASE,
				case_keys,
				COUNT,
				[
					*case_scope,
					[CASE, "is_overdue", "=", 1],
					*reports.datetime_range(CASE, "received_at", filters),
				],
			),
		)
	}

	def row_for(department):
		return rows.setdefault((department or "",), frappe._dict(department=department or ""))

	summoned = reports.grouped(
		CONSULTATION,
		{
			"department": col(SUMMONED, "department"),
			"check_in_score": col(SUMMONED, "check_in_score"),
			"reply_score": col(SUMMONED, "reply_score"),
		},
		COUNT,
		reports.center_filter(CONSULTATION, "convening_center", filters)
		+ reports.datetime_range(CONSULTATION, "meeting_time", filters)
		+ [[SUMMONED, "parenttype", "=", CONSULTATION]],
	)
	for r in summoned:
		row = row_for(r.department)
		add(row, "summoned", r.n)
		if r.check_in_score in CHECK_IN:
			add(row, CHECK_IN[r.check_in_score], r.n)
		if r.reply_score in REPLY:
			add(row, REPLY[r.reply_score], r.n)

	letters = reports.grouped(
		NOTICE,
		{"department": col(NOTICE, "to_department"), "status": col(NOTICE, "status")},
		COUNT,
		[
			*reports.center_filter(NOTICE, "issuing_center", filters),
			[NOTICE, "docstatus", "=", 1],
			*reports.date_range(NOTICE, "issued_on", filters),
		],
	)
	for r in letters:
		row = row_for(r.department)
		add(row, "letters", r.n)
		if r.status in LETTER:
			add(row, LETTER[r.status], r.n)

	data = [rows[key] for key in sorted(rows)]
	for row in data:
		for metric in METRICS:
			row[metric] = int(row.get(metric) or 0)
		row.check_in_punctuality = reports.rate(
			row.checked_in_on_time, sum(row[m] for m in CHECK_IN.values())
		)
		row.reply_punctuality = reports.rate(row.replied_on_time, sum(row[m] for m in REPLY.values()))
	columns = [
		*reports.key_columns(["department"]),
		reports.column("overdue_now", _("Overdue Now")),
		reports.column("overdue_in_period", _("Overdue among Cases Received"), width=150),
		reports.column("summoned", _("Summoned to Consultations"), width=150),
		reports.column("checked_in_on_time", _("Checked In on Time"), width=130),
		reports.column("checked_in_late", _("Checked In Late")),
		reports.column("absent", _("Absent from Consultation"), width=130),
		reports.column("check_in_punctuality", _("Check-in Punctuality %"), "Percent", 140),
		reports.column("replied_on_time", _("Replied on Time")),
		reports.column("replied_late", _("Replied Late")),
		reports.column("reply_missing", _("Reply Missing")),
		reports.column("reply_punctuality", _("Reply Punctuality %"), "Percent", 130),
		reports.column("letters", _("Supervision Letters")),
		reports.column("letters_replied", _("Letters Replied")),
		reports.column("letters_overdue", _("Letter Replies Overdue"), width=130),
	]
	return (
		columns,
		data,
		_(
			"Overdue now: cases open past their deadline today; overdue among cases received: cases received in the period that were ever overdue; consultations, replies and letters of the period, punctuality = on time ÷ all summoned or due."
		),
	)


def add(row, metric: str, n) -> None:
	row[metric] = int(row.get(metric) or 0) + int(n or 0)
