"""化解金额: compensation agreed for the parties (cases received in the period whose outcome carries an
amount, as a submitted mediation agreement sets it) and losses recovered (agreement obligations fulfilled
in the period), by centre."""

from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.reports import col

CASE = "ZZ Case"
AGREEMENT = "ZZ Mediation Agreement"
OBLIGATION = "ZZ Agreement Obligation"
GROUPS = {"Centre": ("current_center", "center"), "All": None}
METRICS = ("cases", "agreed", "recovered")


def execute(filters=None):
	filters = reports.parse(filters)
	fields = GROUPS.get(filters.get("group_by") or "Centre", GROUPS["Centre"])
	case_keys = {"center": col(CASE, fields[0])} if fields else {}
	agreement_keys = {"center": col(AGREEMENT, fields[1])} if fields else {}
	agreed = reports.grouped(
		CASE,
		case_keys,
		{"n": "count(*)", "amount": f"sum({col(CASE, 'compensation_amount')})"},
		reports.center_filter(CASE, "current_center", filters)
		+ reports.datetime_range(CASE, "received_at", filters)
		+ [[CASE, "compensation_amount", ">", 0]],
	)
	recovered = reports.grouped(
		AGREEMENT,
		agreement_keys,
		{"n": f"sum({col(OBLIGATION, 'amount')})"},
		[
			*reports.center_filter(AGREEMENT, "center", filters),
			[AGREEMENT, "docstatus", "=", 1],
			[OBLIGATION, "status", "=", "Fulfilled"],
			*reports.date_range(OBLIGATION, "fulfilled_on", filters),
		],
	)
	rows = reports.merge(
		list(case_keys),
		cases=agreed,
		agreed=[{**r, "n": r.amount} for r in agreed],
		recovered=recovered,
	)
	rows = reports.fill_all_row(rows, list(case_keys), METRICS)
	for row in rows:
		row.cases = int(row.get("cases") or 0)
		row.agreed = float(row.get("agreed") or 0)
		row.recovered = float(row.get("recovered") or 0)
	columns = [
		*reports.key_columns(list(case_keys)),
		reports.column("cases", _("Cases with Compensation"), width=150),
		reports.column("agreed", _("Compensation Agreed"), "Currency", 150),
		reports.column("recovered", _("Losses Recovered"), "Currency", 150),
	]
	return (
		columns,
		rows,
		_(
			"Compensation agreed: cases received in the period whose outcome carries an amount; losses recovered: obligations of submitted agreements fulfilled in the period."
		),
	)
