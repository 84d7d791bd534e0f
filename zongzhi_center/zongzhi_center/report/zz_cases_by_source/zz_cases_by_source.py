"""五源汇聚: cases received in the period by source (警源/政源/诉源/访源/网源), channel, receiving window or
matter type, with how many of them were resolved and each one's share of the whole."""

from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import RESOLVED_OUTCOMES, col

CASE = "ZZ Case"
DIMENSIONS = {
	"Source": "source",
	"Channel": "channel",
	"Window": "receiving_window",
	"Matter Type": "matter_type",
}


def execute(filters=None):
	filters = reports.parse(filters)
	field = DIMENSIONS.get(filters.get("group_by") or "Source", "source")
	counts = reports.grouped(
		CASE,
		{"value": col(CASE, field), "outcome": col(CASE, "outcome")},
		{"n": "count(*)"},
		reports.center_filter(CASE, "current_center", filters)
		+ reports.datetime_range(CASE, "received_at", filters),
	)
	rows = reports.merge(
		["value"], cases=counts, resolved=[r for r in counts if r.outcome in RESOLVED_OUTCOMES]
	)
	total = sum(r.cases for r in rows)
	for row in rows:
		row.cases = int(row.cases or 0)
		row.resolved = int(row.get("resolved") or 0)
		row.key = row.value
		# select values are shown in the user's language; windows are records, shown by name
		row.value = row.value if field == "receiving_window" and row.value else reports.label(row.value)
		row.share = reports.rate(row.cases, total)
		row.resolution_rate = reports.rate(row.resolved, row.cases)
	columns = [
		reports.column("value", _(filters.get("group_by") or "Source"), "Data", 180),
		reports.column("cases", _("Cases")),
		reports.column("share", _("Share %"), "Percent", 100),
		reports.column("resolved", _("Cases Resolved")),
		reports.column("resolution_rate", _("Resolved / Received %"), "Percent", 130),
	]
	chart = {
		"data": {
			"labels": [r.value for r in rows],
			"datasets": [{"name": _("Cases"), "values": [r.cases for r in rows]}],
		},
		"type": "pie",
	}
	message = _(
		"Cases received in the period, with how many of those are resolved by now; share = of all cases received in the period."
	)
	return columns, rows, message, chart
