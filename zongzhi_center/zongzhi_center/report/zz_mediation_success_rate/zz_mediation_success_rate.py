"""调解成功率: of the cases received in the period whose mediation was carried through (resolved, resolved
by agreement, unresolved, referred to litigation), the share resolved — by centre, category or mediator.
Withdrawn and not-accepted cases do not count either way."""

from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import CONCLUDED_OUTCOMES, RESOLVED_OUTCOMES, col

CASE = "ZZ Case"
GROUPS = {
	"Centre": {"center": col(CASE, "current_center")},
	"Category": {"category": col(CASE, "category")},
	"Mediator": {"mediator": col(CASE, "assigned_mediator")},
	"All": {},
}
METRICS = ("concluded", "resolved", "by_agreement")


def execute(filters=None):
	filters = reports.parse(filters)
	keys = GROUPS.get(filters.get("group_by") or "Centre", GROUPS["Centre"])
	conditions = (
		reports.center_filter(CASE, "current_center", filters)
		+ reports.datetime_range(CASE, "received_at", filters)
		+ [[CASE, "outcome", "in", CONCLUDED_OUTCOMES]]
	)
	for field in ("category", "mediator"):
		if filters.get(field):
			conditions.append(
				[CASE, "assigned_mediator" if field == "mediator" else field, "=", filters[field]]
			)
	counts = reports.grouped(CASE, {**keys, "outcome": col(CASE, "outcome")}, {"n": "count(*)"}, conditions)
	rows = reports.merge(
		list(keys),
		concluded=counts,
		resolved=[r for r in counts if r.outcome in RESOLVED_OUTCOMES],
		by_agreement=[r for r in counts if r.outcome == "Resolved by Agreement"],
	)
	rows = reports.fill_all_row(rows, list(keys), METRICS)
	names = reports.display_names("ZZ Stationed Staff", [r.get("mediator") for r in rows], "full_name")
	for row in rows:
		for metric in METRICS:
			row[metric] = int(row.get(metric) or 0)
		row.success_rate = reports.rate(row.resolved, row.concluded)
		if "mediator" in keys:
			row.mediator_name = names.get(row.mediator) or reports.label(None)
	columns = reports.key_columns(list(keys))
	if "mediator" in keys:
		columns.append(reports.column("mediator_name", _("Mediator Name"), "Data", 120))
	columns += [
		reports.column("concluded", _("Mediations Concluded"), width=130),
		reports.column("resolved", _("Mediations Successful"), width=130),
		reports.column("by_agreement", _("With Mediation Agreement"), width=150),
		reports.column("success_rate", _("Success Rate %"), "Percent", 120),
	]
	return (
		columns,
		rows,
		_(
			"Of the cases received in the period whose mediation was concluded (resolved, resolved by agreement, unresolved, referred to litigation), the share resolved; withdrawn, not accepted and still open cases count neither way."
		),
	)
