"""三色/四色预警 over time: cases received per week or month by their risk colour. Without a start date the
report covers the last twelve weeks (or months)."""

from datetime import timedelta

from frappe import _
from frappe.utils import add_months, get_first_day, getdate, today

from zongzhi_center.services import reports
from zongzhi_center.services.reports import RISK_COLORS, col

CASE = "ZZ Case"
CHART_COLORS = {"Green": "#2e7d32", "Yellow": "#f9a825", "Orange": "#ef6c00", "Red": "#c62828"}


def execute(filters=None):
	filters = reports.parse(filters)
	monthly = filters.get("interval") == "Month"
	if not filters.get("from_date"):
		end = getdate(filters.get("to_date") or today())
		filters.from_date = (
			get_first_day(add_months(end, -11)) if monthly else week_start(end) - timedelta(weeks=11)
		)
	counts = reports.grouped(
		CASE,
		# no table prefix inside date(): get_list reads a prefixed column in a function as a table to join
		{"day": "date(received_at)", "risk_color": col(CASE, "risk_color")},
		{"n": "count(*)"},
		reports.center_filter(CASE, "current_center", filters)
		+ reports.datetime_range(CASE, "received_at", filters),
	)
	periods: dict = {}
	for r in counts:
		day = getdate(r.day)
		period = get_first_day(day) if monthly else week_start(day)
		row = periods.setdefault(period, {"period": period, **{c.lower(): 0 for c in RISK_COLORS}})
		if r.risk_color in RISK_COLORS:
			row[r.risk_color.lower()] += r.n
	rows = [periods[p] for p in sorted(periods)]
	for row in rows:
		row["total"] = sum(row[c.lower()] for c in RISK_COLORS)
	columns = [reports.column("period", _("Month") if monthly else _("Week Starting"), "Date", 120)]
	columns += [reports.column(c.lower(), _(c), width=90) for c in RISK_COLORS]
	columns.append(reports.column("total", _("Cases"), width=90))
	chart = {
		"data": {
			"labels": [str(r["period"]) for r in rows],
			"datasets": [{"name": _(c), "values": [r[c.lower()] for r in rows]} for c in RISK_COLORS],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": [CHART_COLORS[c] for c in RISK_COLORS],
	}
	message = _("Cases received in each week or month, by the risk colour they have now.")
	return columns, rows, message, chart


def week_start(day):
	return day - timedelta(days=day.weekday())
