"""Frappe's Workflow Action records, kept only where a workflow of this app sends its approval emails.

Frappe runs `process_workflow_actions` after every save of a document with a workflow: it looks up the
record's open actions, completes them and creates a new "Workflow Action" with the roles that may act next —
several queries and two inserts a save (about a third of registering a case at a city's intake rate). These
records serve two things: the links in Frappe's workflow emails, and Frappe's "Workflow Action" list. The
app's workflows send no such emails ("Send Email Alert" off in the shipped workflows), and the app shows its
users their work by case state and centre, not in that list — which, being checked by role alone, would list
the cases of every centre awaiting a role.

So for the DocTypes of this app the records are made only while their workflow's "Send Email Alert" is on:
an administrator who turns the emails on gets Frappe's records (and its emails) from the next save. Deleting
a record still clears its actions. `install()` puts the wrapper in place of Frappe's function, which the
doc_events hook "*" names; it runs before every request and background job and when this module is imported.
"""

import frappe
from frappe.model.workflow import get_workflow_name, send_email_alert
from frappe.workflow.doctype.workflow_action import workflow_action

MODULE = "Zongzhi Center"


def process_workflow_actions(doc, state):
	"""Frappe's, except for this app's records while their workflow sends no emails."""
	if state != "on_trash" and not keeps_workflow_actions(doc.get("doctype")):
		return None
	return frappe_process_workflow_actions(doc, state)


def keeps_workflow_actions(doctype: str) -> bool:
	if frappe.get_meta(doctype).module != MODULE:
		return True
	workflow = get_workflow_name(doctype)
	return not workflow or bool(send_email_alert(workflow))


def install():
	"""Put the wrapper in place (once per process; Frappe's function stays reachable as zz_wraps, also when
	this module is loaded again)."""
	if workflow_action.process_workflow_actions is not process_workflow_actions:
		process_workflow_actions.zz_wraps = frappe_process_workflow_actions
		workflow_action.process_workflow_actions = process_workflow_actions


# Frappe's own function, unwrapped if an earlier load of this module had replaced it
frappe_process_workflow_actions = getattr(
	workflow_action.process_workflow_actions, "zz_wraps", workflow_action.process_workflow_actions
)

install()
