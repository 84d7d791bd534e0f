"""排查 screening: leads that grid patrols found in the period, by centre — resolved on the spot, turned
into cases, still open — and the share resolved."""

from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import col

LEAD = "ZZ Screening Lead"
GROUPS = {"Centre": {"center": col(LEAD, "center")}, "All": {}}
STATUSES = {"Open": "open", "Resolved": "resolved", "Converted": "converted"}
METRICS = ("found", *STATUSES.values())


def execute(filters=None):
	filters = reports.parse(filters)
	keys = GROUPS.get(filters.get("group_by") or "Centre", GROUPS["Centre"])
	counts = reports.grouped(
		LEAD,
		{**keys, "status": col(LEAD, "status")},
		{"n": "count(*)"},
		reports.center_filter(LEAD, "center", filters) + reports.date_range(LEAD, "found_on", filters),
	)
	results = {"found": counts}
	for status, metric in STATUSES.items():
		results[metric] = [r for r in counts if r.status == status]
	rows = reports.fill_all_row(reports.merge(list(keys), **results), list(keys), METRICS)
	for row in rows:
		for metric in METRICS:
			row[metric] = int(row.get(metric) or 0)
		row.resolution_rate = reports.rate(row.resolved, row.found)
	columns = [
		*reports.key_columns(list(keys)),
		reports.column("found", _("Leads Found")),
		reports.column("resolved", _("Leads Resolved")),
		reports.column("converted", _("Turned into Cases"), width=120),
		reports.column("open", _("Leads Open")),
		reports.column("resolution_rate", _("Resolved / Found %"), "Percent", 130),
	]
	return (
		columns,
		rows,
		_(
			"Leads found in the period by their status now; resolved ÷ found counts the leads resolved on the spot, not those turned into cases."
		),
	)
