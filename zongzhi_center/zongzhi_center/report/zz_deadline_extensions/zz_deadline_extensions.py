"""延期情况: every extension asked for in the period — case, centre, days, reason, who decided and how, and
the resolve-by before and after. Read through frappe.get_list: a user sees the extensions of the cases they
may read (services/extensions.py, permissions/extension.py)."""

import frappe
from frappe import _

from zongzhi_center.services import reports
from zongzhi_center.services.extensions import APPROVED

EXTENSION = "ZZ Deadline Extension"
FIELDS = (
	"name",
	"case",
	"case_number",
	"center",
	"requested_days",
	"reason",
	"requested_by",
	"requested_at",
	"workflow_state",
	"decision",
	"decided_by",
	"decided_at",
	"decision_note",
	"old_due_date",
	"new_due_date",
)


def execute(filters=None):
	filters = reports.parse(filters)
	conditions = reports.center_filter(EXTENSION, "center", filters) + reports.datetime_range(
		EXTENSION, "requested_at", filters
	)
	if filters.get("decision"):
		conditions.append([EXTENSION, "decision", "=", filters.decision])
	rows = frappe.get_list(
		EXTENSION,
		fields=list(FIELDS),
		filters=conditions,
		order_by="requested_at desc",
		limit_page_length=0,
	)
	for row in rows:
		row.decision_label = _(row.decision) if row.decision else ""
	approved = [r for r in rows if r.decision == APPROVED]
	message = _(
		"Every extension asked for in the period, by when it was asked for; {0} approved of {1}, {2} days granted. Only approved days move a case's resolve-by."
	).format(len(approved), len(rows), sum(r.requested_days or 0 for r in approved))
	columns = [
		reports.column("name", _("Extension"), "Link", 110, options=EXTENSION),
		reports.column("case", _("Case"), "Link", 110, options="ZZ Case"),
		reports.column("case_number", _("Case Number"), "Data", 160),
		reports.column("center", _("Centre"), "Link", 160, options="ZZ Center"),
		reports.column("requested_days", _("Days"), width=70),
		reports.column("reason", _("Reason"), "Data", 220),
		reports.column("requested_by", _("Requested By"), "Link", 160, options="User"),
		reports.column("requested_at", _("Requested At"), "Datetime", 150),
		reports.column("decision_label", _("Decision"), "Data", 90),
		reports.column("decided_by", _("Decided By"), "Link", 160, options="User"),
		reports.column("decided_at", _("Decided At"), "Datetime", 150),
		reports.column("decision_note", _("Decision Note"), "Data", 200),
		reports.column("old_due_date", _("Resolve By Before"), "Datetime", 150),
		reports.column("new_due_date", _("Resolve By After"), "Datetime", 150),
	]
	return columns, rows, message
