"""限时办结率, counted honestly: a case still open past its resolve-by is a case not resolved on time, and a
case resolved only within an extension is not plainly on time.

For a period (and a centre with the centres below it) the cases counted are:
- those resolved in the period, each one on time (by the resolve-by the rule gave, without extensions),
  on time with extension (after that, by the extended resolve-by) or late;
- those still open at the end of the period (or now, for a period not yet over) whose resolve-by had passed
  by then, whenever they were received: a stuck case weighs on every period it stays stuck.
The on-time rate is on time ÷ all of them; the rate with extensions adds the cases resolved within theirs.
Cases that ended without a resolution (not accepted, unresolved, referred to court) are in neither.

Whether a case was on time compares two of its columns, which a list query cannot filter on; the cases are
read through frappe.get_list (so the user's permissions apply, as for every report) and sorted here.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_datetime, getdate, now_datetime

from zongzhi_center.services import reports
from zongzhi_center.services.reports import col

CASE = "ZZ Case"
ON_TIME, EXTENDED, LATE, OPEN_OVERDUE = "on_time", "on_time_extended", "late", "open_overdue"
METRICS = (ON_TIME, EXTENDED, LATE, OPEN_OVERDUE, "counted", "extended_cases", "extension_days")
CASE_FIELDS = ("resolved_at", "due_date", "due_before_extension", "extension_days", "workflow_state")


def explanation() -> str:
	return _(
		"On-time rate = cases resolved by their resolve-by without extension ÷ (cases resolved in the period + cases still open past their resolve-by at the end of the period, whenever received); cases resolved within an extension are counted apart, with the days granted."
	)


def cutoff(filters) -> object:
	"""The end of the period, or now while the period runs."""
	now = now_datetime()
	if not filters.get("to_date"):
		return now
	end = get_datetime(add_days(getdate(filters.to_date), 1))
	return min(end, now)


def classify(row) -> str:
	"""How a resolved case met its deadline."""
	resolved = get_datetime(row.resolved_at)
	due = row.due_date and get_datetime(row.due_date)
	if not due:
		return ON_TIME  # no resolve-by ran (none of the rules gave one): it cannot be late
	days = cint(row.extension_days)
	without = get_datetime(row.due_before_extension) if days and row.due_before_extension else due
	if resolved <= without:
		return ON_TIME
	if days and resolved <= due:
		return EXTENDED
	return LATE


def counts(keys: dict[str, str], filters) -> list[frappe._dict]:
	"""One row per group key with the counts above, through frappe.get_list."""
	scope = reports.center_filter(CASE, "current_center", filters)
	fields = [f"{expr} as {alias}" for alias, expr in keys.items()] + [col(CASE, f) for f in CASE_FIELDS]
	resolved = frappe.get_list(
		CASE,
		fields=fields,
		filters=scope + reports.datetime_range(CASE, "resolved_at", filters),
		limit_page_length=0,
		order_by=None,
		ignore_ifnull=True,  # a case without a resolve-by is not "before" any moment
	)
	end = cutoff(filters)
	still_open = frappe.get_list(
		CASE,
		fields=fields,
		filters=[*scope, [CASE, "due_date", "<", end], [CASE, "received_at", "<", end]],
		or_filters=[[CASE, "resolved_at", "is", "not set"], [CASE, "resolved_at", ">=", end]],
		limit_page_length=0,
		order_by=None,
		ignore_ifnull=True,  # a case without a resolve-by is not "before" any moment
	)
	from zongzhi_center.services.extensions import stopped_states

	# ended without a resolution: its clock stopped, it is not waiting past its deadline
	finished = stopped_states()
	still_open = [r for r in still_open if r.resolved_at or r.workflow_state not in finished]

	rows: dict[tuple, frappe._dict] = {}

	def add(row, metric):
		key = tuple(row.get(k) or reports.NONE_KEY for k in keys)
		out = rows.setdefault(
			key, frappe._dict({**dict(zip(keys, key, strict=True)), **dict.fromkeys(METRICS, 0)})
		)
		out[metric] += 1
		out.counted += 1
		if cint(row.extension_days):
			out.extended_cases += 1
			out.extension_days += cint(row.extension_days)

	for row in resolved:
		add(row, classify(row))
	for row in still_open:
		add(row, OPEN_OVERDUE)
	result = [rows[key] for key in sorted(rows)]
	if not keys:
		result = result or [frappe._dict(dict.fromkeys(METRICS, 0))]
		result[0].scope = _("All")
	for row in result:
		row.on_time_rate = reports.rate(row[ON_TIME], row.counted)
		row.on_time_with_extension_rate = reports.rate(row[ON_TIME] + row[EXTENDED], row.counted)
	return result


def columns() -> list[dict]:
	return [
		reports.column("counted", _("Cases Counted"), width=120),
		reports.column(ON_TIME, _("Resolved on Time"), width=130),
		reports.column(EXTENDED, _("On Time with Extension"), width=150),
		reports.column(LATE, _("Resolved Late"), width=120),
		reports.column(OPEN_OVERDUE, _("Open and Overdue"), width=130),
		reports.column("on_time_rate", _("On-time Rate %"), "Percent", 120),
		reports.column("on_time_with_extension_rate", _("On Time incl. Extensions %"), "Percent", 170),
		reports.column("extended_cases", _("Cases Extended"), width=120),
		reports.column("extension_days", _("Extension Days Granted"), width=150),
	]
