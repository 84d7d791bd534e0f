"""Status webhooks the app made for sister systems with the earlier body, which told a merged duplicate's
system only "Not Accepted": given the body that says 已并案 and names the case it continues in. A body an
administrator changed is left as it is."""

import frappe

from zongzhi_center.zongzhi_center.doctype.zz_sister_system.zz_sister_system import WEBHOOK_JSON

EARLIER_BODY = """{
  "event": "case.status_changed",
  "case_number": {{ doc.case_number | tojson }},
  "external_system": {{ doc.external_system | tojson }},
  "external_id": {{ doc.external_id | tojson }},
  "workflow_state": {{ doc.workflow_state | tojson }},
  "status": {{ zz_public_status(doc.workflow_state) | tojson }},
  "outcome": {{ (doc.outcome or none) | tojson }},
  "updated_at": {{ doc.modified | tojson }}
}"""


def execute():
	for webhook in frappe.get_all("ZZ Sister System", filters={"webhook": ["is", "set"]}, pluck="webhook"):
		if frappe.db.get_value("Webhook", webhook, "webhook_json") == EARLIER_BODY:
			frappe.db.set_value("Webhook", webhook, "webhook_json", WEBHOOK_JSON, update_modified=False)
