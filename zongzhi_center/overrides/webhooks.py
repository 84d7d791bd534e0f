"""Frappe's Webhooks (a sister system's status callback), kept in the transaction of the change that calls them.

Frappe 15 collects the calls a transaction's saves trigger (`frappe.integrations.doctype.webhook.run_webhooks`
appends `_dict(doc=…, webhook=…)` to `frappe.local._webhook_queue`) and hands them to Redis once the
transaction has committed (`flush_webhook_execution_queue`, an after-commit callback). With the queue's Redis
unreachable at that moment the change stays committed, the request answers 500, and the sister system is
never told. After a rollback Frappe leaves the rolled-back calls in its list, and as its flush is registered
only when the list is empty, later calls of the same request or job are never sent either.

Here, just before the commit, `keep_queued_webhooks` moves the collected calls into the outbox
(services/outbox.py) in the same transaction — the last state of each record and webhook, as Frappe's flush
keeps — and empties Frappe's list, so its flush finds nothing to send; the drain later makes each call with
Frappe's own `enqueue_webhook`. A rollback empties the list. `watch` (doc_events "*" on the events a Webhook
follows) puts both in place for a transaction that saves a record of a DocType with an enabled Webhook:
Frappe runs an event's doc_events just before its run_webhooks, and these run at the commit, after both.
tests/test_outbox.py checks the Frappe code this relies on.
"""

import frappe

from zongzhi_center.services import outbox


def watch(doc, method=None):
	"""doc_events "*": a record of a DocType with an enabled Webhook is saved in this transaction."""
	if getattr(frappe.local, "zz_webhooks_watched", False):
		return
	from frappe.integrations.doctype.webhook import get_all_webhooks

	# the same cached map Frappe's run_webhooks reads
	if doc.doctype not in frappe.cache.get_value("webhooks", get_all_webhooks):
		return
	frappe.local.zz_webhooks_watched = True
	frappe.db.before_commit.add(keep_queued_webhooks)
	frappe.db.after_rollback.add(forget_queued_webhooks)


def keep_queued_webhooks():
	"""Before the commit: each collected call becomes a row of the outbox, in the committing transaction."""
	frappe.local.zz_webhooks_watched = False
	queued = getattr(frappe.local, "_webhook_queue", None)
	if not queued:
		return
	del frappe.local._webhook_queue  # Frappe's after-commit flush finds nothing to send
	last = {}
	for call in queued:
		key = (call.webhook.get("name"), call.doc.doctype, call.doc.name)
		last.pop(key, None)  # in the order of each call's last occurrence, as Frappe's flush sends them
		last[key] = call
	for (webhook, doctype, name), call in last.items():
		outbox.record(
			outbox.STATUS_CALLBACK,
			reference=call.doc,
			webhook=webhook,
			doctype=doctype,
			name=name,
			snapshot=outbox.snapshot(call.doc),
		)


def forget_queued_webhooks():
	"""After a rollback: calls of work that did not happen are not made."""
	frappe.local.zz_webhooks_watched = False
	if getattr(frappe.local, "_webhook_queue", None):
		del frappe.local._webhook_queue
