"""Composite indexes the reports need to stay fast over a million cases (measured with EXPLAIN and
benchmarks/reports.py). Single-column indexes live in the DocType JSON (``search_index``); these span
several columns, which the DocType JSON cannot express. Idempotent: called from after_migrate.

Every case report counts the cases received in a date range, within the centres the user may see (the
centre User Permission becomes ``ifnull(current_center, '') = '' or current_center in (…)``, which is no
index range), grouped by a few columns. An index that starts with the date and carries the centre and the
grouped columns answers such a query from the index alone (EXPLAIN: "Using index"), without reading the
rows: at a million cases a year-long report reads about half a million index entries instead of half a
million rows. One index per family of reports keeps each under InnoDB's 3,072-byte key limit.
"""

import frappe

INDEXES = {
	"ZZ Case": {
		# 周调度 received by centre/department, 月督查 overdue among them, 调解成功率 by centre, 三色预警, 化解金额
		"zz_received_center": [
			"received_at",
			"current_center",
			"handling_department",
			"outcome",
			"risk_color",
			"compensation_amount",
			"is_overdue",
		],
		# 五源: by source and channel
		"zz_received_source": ["received_at", "current_center", "source", "channel", "outcome"],
		# 调解成功率 by mediator or category
		"zz_received_mediation": [
			"received_at",
			"current_center",
			"assigned_mediator",
			"category",
			"outcome",
		],
		# 周调度 resolved in the period (the case's latest resolution)
		"zz_resolved_center": ["resolved_at", "current_center", "handling_department"],
		# 周调度 accepted in the period
		"zz_accepted_center": ["accepted_at", "current_center", "handling_department"],
		# 周调度 / 月督查 overdue now, by centre and department
		"zz_sla_center": ["sla_status", "current_center", "handling_department"],
		# the deadline job: the running cases whose next check has come (services/sla.py)
		"zz_sla_next_check": ["sla_status", "sla_next_check"],
		# 五源 by channel over every year: read in the order of the groups, without a temporary table to count in
		"zz_channel_outcome": ["channel", "outcome", "current_center"],
		# 周调度's cases resolved on the spot: few among those received, found without reading the others
		"zz_on_the_spot": ["resolved_on_the_spot", "received_at", "current_center", "handling_department"],
		# the case list, newest first by creation (the DocType's sort field) or by last change: the centre in
		# the index decides from the index alone which entries a user may see, so a township's page skips the
		# county's recent cases without reading their rows
		"zz_creation_center": ["creation", "current_center"],
		"zz_modified_center": ["modified", "current_center"],
	},
}
# indexes an earlier version created, replaced by one above that starts with the same columns
RETIRED = {
	"ZZ Case": ["zz_creation"],
}


def ensure_indexes() -> None:
	for doctype, indexes in INDEXES.items():
		for name, columns in indexes.items():
			# add_index checks the index's name in the table first, so a second call does nothing
			frappe.db.add_index(doctype, columns, index_name=name)
	for doctype, names in RETIRED.items():
		for name in names:
			if frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")
