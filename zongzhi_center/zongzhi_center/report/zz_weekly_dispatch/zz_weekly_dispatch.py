"""周调度 weekly dispatch: cases received, accepted and resolved in the period, and those overdue now, by
centre and/or handling department. Counts go through frappe.get_list (services.reports)."""

from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import col

CASE = "ZZ Case"
GROUPS = {
	"Centre": {"center": col(CASE, "current_center")},
	"Department": {"department": col(CASE, "handling_department")},
	"Centre and Department": {
		"center": col(CASE, "current_center"),
		"department": col(CASE, "handling_department"),
	},
	"All": {},
}
COUNT = {"n": "count(*)"}
METRICS = ("received", "on_the_spot", "accepted", "resolved", "overdue")


def execute(filters=None):
	filters = reports.parse(filters)
	keys = GROUPS.get(filters.get("group_by") or "Centre", GROUPS["Centre"])
	scope = reports.center_filter(CASE, "current_center", filters)
	rows = reports.merge(
		list(keys),
		received=reports.grouped(
			CASE, keys, COUNT, scope + reports.datetime_range(CASE, "received_at", filters)
		),
		# 当场办结: received in the period and answered at the window there and then
		on_the_spot=reports.grouped(
			CASE,
			keys,
			COUNT,
			[
				*scope,
				*reports.datetime_range(CASE, "received_at", filters),
				[CASE, "resolved_on_the_spot", "=", 1],
			],
		),
		accepted=reports.grouped(
			CASE, keys, COUNT, scope + reports.datetime_range(CASE, "accepted_at", filters)
		),
		# the case's latest resolution (resolved_at), read from the zz_resolved_center index
		resolved=reports.grouped(
			CASE, keys, COUNT, scope + reports.datetime_range(CASE, "resolved_at", filters)
		),
		overdue=reports.grouped(CASE, keys, COUNT, [*scope, [CASE, "sla_status", "=", "Overdue"]]),
	)
	rows = reports.fill_all_row(rows, list(keys), METRICS)
	for row in rows:
		for metric in METRICS:
			row[metric] = int(row.get(metric) or 0)
		row.resolution_rate = reports.rate(row.resolved, row.received)
	columns = [
		*reports.key_columns(list(keys)),
		reports.column("received", _("Cases Received")),
		reports.column("on_the_spot", _("Resolved on the Spot")),
		reports.column("accepted", _("Cases Accepted")),
		reports.column("resolved", _("Cases Resolved")),
		reports.column("overdue", _("Overdue Now")),
		reports.column("resolution_rate", _("Resolved / Received %"), "Percent", 130),
	]
	return (
		columns,
		rows,
		_(
			"Received, accepted and resolved count the cases received, accepted or (last) resolved in the period, so resolved ÷ received compares two sets of cases; overdue now counts the cases open past their deadline today, whenever received. The on-time rate is in the Deadline Punctuality report."
		),
	)
