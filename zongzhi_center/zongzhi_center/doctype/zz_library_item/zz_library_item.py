# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""社会治理资源库: a typical case (anonymised from a closed case), a policy, a law or a regulation.

Drafted by mediators, dispatchers or directors of a centre and seen, while a draft, by that centre (and the
centres above it); published (submitted) by a director, then read by all staff and found by the Chinese
full-text search. A typical case never shows a name, ID number, phone or address of its source case's
parties: checked on every save."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import today

from zongzhi_center.exceptions import LibraryError, PersonalDataInLibraryError
from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.permissions.centers import allowed_centers, default_center
from zongzhi_center.services import library


class ZZLibraryItem(Document):
	def validate(self):
		self.set_center()
		self.check_kind()
		self.check_personal_data()

	def before_submit(self):
		self.published = 1
		self.approved_by = frappe.session.user
		self.published_on = today()

	def on_submit(self):
		library.index_item(self)

	def on_cancel(self):
		self.db_set("published", 0)
		library.unindex_item(self.name)

	def on_trash(self):
		library.unindex_item(self.name)

	# ------------------------------------------------------------------ steps
	def set_center(self):
		user = frappe.session.user
		if not self.center:
			self.center = default_center(user) or (
				frappe.db.get_value("ZZ Case", self.source_case, "current_center")
				if self.source_case
				else None
			)
		if not self.center:
			frappe.throw(_("Choose the centre the item is drafted for."), exc=LibraryError)
		if not is_unscoped(user) and self.center not in (allowed_centers(user) or ()):
			frappe.throw(
				_("You draft library items for your own centre only."),
				exc=frappe.PermissionError,
			)

	def check_kind(self):
		if self.source_case and self.kind != "Typical Case":
			frappe.throw(_("Only a typical case comes from a case."), exc=LibraryError)

	def check_personal_data(self):
		if not self.source_case:
			return
		leaked = library.leaked_personal_data(
			[self.title, self.keywords, self.body], library.case_personal_data(self.source_case)
		)
		if leaked:
			frappe.throw(
				_("The typical case still shows {0} of its source case; remove it before saving.").format(
					"、".join(leaked)
				),
				exc=PersonalDataInLibraryError,
				title=_("Personal Data"),
			)
