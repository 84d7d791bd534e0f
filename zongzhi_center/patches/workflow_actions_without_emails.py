"""Frappe's Workflow Action records of this app's records, left open from before the app stopped making them
where a workflow sends no approval emails (overrides/workflow_actions.py): nothing completes them any more,
so they would stay in the Workflow Action list as work awaiting a role long after the case moved on."""

import frappe

from zongzhi_center.overrides.workflow_actions import keeps_workflow_actions

BATCH = 1000


def execute():
	doctypes = [
		doctype
		for doctype in frappe.get_all("Workflow", filters={"is_active": 1}, pluck="document_type")
		if frappe.db.exists("DocType", doctype) and not keeps_workflow_actions(doctype)
	]
	for doctype in doctypes:
		while names := frappe.get_all(
			"Workflow Action", filters={"reference_doctype": doctype}, pluck="name", limit=BATCH
		):
			frappe.db.delete("Workflow Action Permitted Role", {"parent": ["in", names]})
			frappe.db.delete("Workflow Action", {"name": ["in", names]})
