"""System notifications about a case (or a consultation), created after the transaction commits: a rolled-back action
notifies nobody. The texts name the case by its number only — never a party's name or phone."""

from __future__ import annotations

import frappe


def notify(users, doc, subject: str, kind: str = "Alert"):
	# nobody is told of what they did themselves
	skip = {None, "", "Guest", "Administrator", frappe.session.user}
	recipients = sorted({user for user in users if user not in skip})
	if not recipients:
		return
	frappe.enqueue(
		"zongzhi_center.services.notify.create_notifications",
		users=recipients,
		document_type=doc.doctype,
		document_name=doc.name,
		subject=subject,
		kind=kind,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
	)


def create_notifications(
	users: list[str], document_type: str, document_name: str, subject: str, kind: str = "Alert"
):
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": kind,
				"document_type": document_type,
				"document_name": document_name,
				"subject": subject,
			}
		).insert(ignore_permissions=True)
