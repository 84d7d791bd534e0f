"""System notifications about a case (or a consultation), created after the transaction commits, through the
outbox (services/outbox.py): a rolled-back action notifies nobody, a committed one everybody, once. The texts
name the case by its number only — never a party's name or phone."""

from __future__ import annotations

import frappe

from zongzhi_center.services import outbox


def notify(users, doc, subject: str, kind: str = "Alert"):
	# nobody is told of what they did themselves
	skip = {None, "", "Guest", "Administrator", frappe.session.user}
	recipients = sorted({user for user in users if user not in skip})
	if not recipients:
		return
	# written with the change it tells of, and made after it commits: a queue outage delays it, never loses it
	outbox.record(
		outbox.NOTIFICATION,
		reference=doc,
		users=recipients,
		document_type=doc.doctype,
		document_name=doc.name,
		subject=subject,
		kind=kind,
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
