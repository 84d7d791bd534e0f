# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""A sister system (12345 hotline, 110 police, court, petition system, grid app) that sends cases through
the API and is told of their status changes by a Frappe Webhook, signed with the webhook's secret."""

import frappe
from frappe import _
from frappe.model.document import Document

from zongzhi_center.engine.intake import EXTERNAL_ID
from zongzhi_center.services.intake import INTEGRATION_ROLE

# what a sister system is told when one of its cases changes state: numbers and states, no personal data
WEBHOOK_JSON = """{
  "event": "case.status_changed",
  "case_number": {{ doc.case_number | tojson }},
  "external_system": {{ doc.external_system | tojson }},
  "external_id": {{ doc.external_id | tojson }},
  "workflow_state": {{ doc.workflow_state | tojson }},
  "status": {{ zz_public_status(doc) | tojson }},
  "merged_into": {{ zz_merged_into(doc) | tojson }},
  "outcome": {{ (doc.outcome or none) | tojson }},
  "updated_at": {{ doc.modified | tojson }}
}"""


class ZZSisterSystem(Document):
	def validate(self):
		if not EXTERNAL_ID.match(self.system_code or "") or ":" in self.system_code:
			frappe.throw(
				_("The system code may hold letters, digits and . _ - only."), frappe.ValidationError
			)
		if INTEGRATION_ROLE not in frappe.get_roles(self.user):
			frappe.throw(
				_("Give the API user the role {0} first.").format(frappe.bold(_(INTEGRATION_ROLE))),
				frappe.ValidationError,
			)

	def on_update(self):
		self.sync_webhook()

	def on_trash(self):
		if self.webhook and frappe.db.exists("Webhook", self.webhook):
			frappe.db.set_value("Webhook", self.webhook, "enabled", 0)
			frappe.db.after_commit.add(forget_cached_webhooks)  # set_value runs no hook of the Webhook

	def webhook_name(self) -> str:
		name = _("Case Status to {0}").format(self.system_name)
		return name if not frappe.db.exists("Webhook", name) else f"{name} ({self.name})"

	def sync_webhook(self):
		"""The callback URL becomes a Webhook on case state changes of this system's cases. An
		administrator edits the rest (headers, body, secret, timeout) in the Webhook itself."""
		if not self.callback_url:
			if self.webhook and frappe.db.exists("Webhook", self.webhook):
				frappe.db.set_value("Webhook", self.webhook, "enabled", 0)
				frappe.db.after_commit.add(forget_cached_webhooks)  # set_value runs no hook of the Webhook
			return
		webhook = (
			frappe.get_doc("Webhook", self.webhook)
			if self.webhook and frappe.db.exists("Webhook", self.webhook)
			else frappe.new_doc("Webhook")
		)
		if webhook.is_new():
			webhook.name = self.webhook_name()
			webhook.update(
				{
					"webhook_doctype": "ZZ Case",
					"webhook_docevent": "on_update",
					"request_method": "POST",
					"request_structure": "JSON",
					"webhook_json": WEBHOOK_JSON,
					"enable_security": 1,
					"webhook_secret": frappe.generate_hash(length=32),
					"timeout": 5,
				}
			)
		webhook.condition = (
			f"doc.external_system == {self.name!r} and doc.has_value_changed('workflow_state')"
		)
		webhook.request_url = self.callback_url
		webhook.enabled = int(bool(self.enabled))
		webhook.save(ignore_permissions=True)
		# Frappe forgets its cached list of webhooks when one is saved, before the commit: a case saved meanwhile
		# in another request caches the list again without this one, and its calls would not be made until
		# the next change of a webhook. Forgotten once more after the commit.
		frappe.db.after_commit.add(forget_cached_webhooks)
		if self.webhook != webhook.name:
			self.db_set("webhook", webhook.name, update_modified=False)


def forget_cached_webhooks():
	frappe.cache.delete_value("webhooks")
