"""限时办结率: of the cases resolved in the period and those still open past their resolve-by at its end, the
share resolved on time — without extensions; cases resolved within an extension are counted apart, with the
days granted (services/punctuality.py). By centre, handling department or in all."""

from zongzhi_center.services import punctuality, reports
from zongzhi_center.services.reports import col

CASE = "ZZ Case"
GROUPS = {
	"Centre": {"center": col(CASE, "current_center")},
	"Department": {"department": col(CASE, "handling_department")},
	"All": {},
}


def execute(filters=None):
	filters = reports.parse(filters)
	keys = GROUPS.get(filters.get("group_by") or "Centre", GROUPS["Centre"])
	rows = punctuality.counts(keys, filters)
	columns = [*reports.key_columns(list(keys)), *punctuality.columns()]
	return columns, rows, punctuality.explanation()
