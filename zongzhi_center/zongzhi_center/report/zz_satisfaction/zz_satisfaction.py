"""跟踪回访 satisfaction: follow-up visits due in the period by centre — visited, not reached, how satisfied
the parties said they were, and how many asked for their case to be reopened."""

from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import col

VISIT = "ZZ Follow-up Visit"
GROUPS = {"Centre": {"center": col(VISIT, "center")}, "All": {}}
ANSWERS = {
	"Satisfied": "satisfied",
	"Basically Satisfied": "basically_satisfied",
	"Dissatisfied": "dissatisfied",
}
METRICS = ("visits", "visited", "not_reached", *ANSWERS.values(), "reopen_requested")


def execute(filters=None):
	filters = reports.parse(filters)
	keys = GROUPS.get(filters.get("group_by") or "Centre", GROUPS["Centre"])
	counts = reports.grouped(
		VISIT,
		{**keys, "status": col(VISIT, "status"), "satisfaction": col(VISIT, "satisfaction")},
		{"n": "count(*)", "reopen": f"sum({col(VISIT, 'reopen_requested')})"},
		reports.center_filter(VISIT, "center", filters) + reports.date_range(VISIT, "due_date", filters),
	)
	results = {
		"visits": counts,
		"visited": [r for r in counts if r.status == "Visited"],
		"not_reached": [r for r in counts if r.status == "Not Reached"],
		"reopen_requested": [{**r, "n": r.reopen} for r in counts],
	}
	for answer, metric in ANSWERS.items():
		results[metric] = [r for r in counts if r.satisfaction == answer]
	rows = reports.fill_all_row(reports.merge(list(keys), **results), list(keys), METRICS)
	for row in rows:
		for metric in METRICS:
			row[metric] = int(row.get(metric) or 0)
		answered = sum(row[m] for m in ANSWERS.values())
		row.satisfaction_rate = reports.rate(row.satisfied + row.basically_satisfied, answered)
	columns = [
		*reports.key_columns(list(keys)),
		reports.column("visits", _("Visits Due")),
		reports.column("visited", _("Visited")),
		reports.column("not_reached", _("Not Reached")),
		reports.column("satisfied", _("Satisfied")),
		reports.column("basically_satisfied", _("Basically Satisfied"), width=120),
		reports.column("dissatisfied", _("Dissatisfied")),
		reports.column("satisfaction_rate", _("Satisfaction Rate %"), "Percent", 130),
		reports.column("reopen_requested", _("Reopen Requested"), width=120),
	]
	return (
		columns,
		rows,
		_(
			"Follow-up visits due in the period; satisfaction rate = satisfied and basically satisfied ÷ visits with an answer."
		),
	)
