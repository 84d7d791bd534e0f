# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""排查线索: what a grid patrol found (a dispute brewing, a hazard, a grievance), resolved on the spot or
turned into a case in one step."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import today

GRID_SOURCE = "Grid and Online Source"
GRID_CHANNEL = "Grid Report"


class LeadNotOpenError(frappe.ValidationError):
	pass


class LeadStatusError(frappe.ValidationError):
	pass


class ZZScreeningLead(Document):
	def validate(self):
		self.validate_status()

	def validate_status(self):
		before = self.get_doc_before_save()
		if before and before.status == "Converted" and self.status != "Converted":
			frappe.throw(
				_("This lead became case {0}; follow it up on the case.").format(before.case),
				exc=LeadStatusError,
				title=_("Lead Converted"),
			)
		if self.status == "Converted" and not self.case:
			frappe.throw(
				_("A lead is marked converted only by turning it into a case (the Convert to Case button)."),
				exc=LeadStatusError,
				title=_("Lead Not Converted"),
			)
		if self.status == "Resolved":
			self.resolved_on = self.resolved_on or today()
		elif self.status == "Open":
			self.resolved_on = None

	def case_dict(self, applicant_name: str, applicant_phone: str | None) -> dict:
		facts = self.description
		if self.location:
			facts = _("{0} (found at {1} on {2})").format(self.description, self.location, self.found_on)
		return {
			"doctype": "ZZ Case",
			"title": self.title,
			"facts": facts,
			"matter_type": "Dispute Mediation",
			"source": GRID_SOURCE,
			"channel": GRID_CHANNEL,
			"receiving_center": self.center,
			"incident_date": self.found_on,
			"incident_location": self.location,
			"parties": [
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": applicant_name,
					"phone": applicant_phone,
				}
			],
		}


@frappe.whitelist(methods=["POST"])
def convert_to_case(lead: str, applicant_name: str, applicant_phone: str | None = None) -> str:
	"""Turn an open lead into a case (channel 网格上报) in one step; returns the new case's name.

	The user needs write access to the lead and may register cases for the lead's centre: the case is
	inserted as them, so ZZ Case's own permission and centre checks apply."""
	doc = frappe.get_doc("ZZ Screening Lead", lead)
	doc.check_permission("write")
	if doc.status != "Open":
		frappe.throw(
			_("Only an open lead can become a case."), exc=LeadNotOpenError, title=_("Lead Not Open")
		)
	applicant_name = (applicant_name or "").strip()
	if not applicant_name:
		frappe.throw(
			_("Name the applicant (申请人) of the case: the person the matter concerns or who reported it."),
			exc=frappe.MandatoryError,
			title=_("Applicant Missing"),
		)
	case = frappe.get_doc(doc.case_dict(applicant_name, (applicant_phone or "").strip() or None)).insert()
	doc.status = "Converted"
	doc.case = case.name
	doc.save()
	return case.name
