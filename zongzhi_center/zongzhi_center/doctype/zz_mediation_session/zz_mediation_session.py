# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""A mediation session on a case: when, where (a room booked without double booking), how (face to face,
back to back 背靠背, a home visit 入户/下访, by phone), who mediated and attended, and what moved."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import format_datetime, get_datetime

from zongzhi_center.exceptions import RoomBookedError, SessionError


class ZZMediationSession(Document):
	def validate(self):
		if get_datetime(self.ends_at) <= get_datetime(self.starts_at):
			frappe.throw(_("A session ends after it starts."), exc=SessionError, title=_("Invalid Time"))
		self.validate_room()

	def validate_room(self):
		if not self.room:
			return
		# the room's row lock makes two bookings of the same room wait for each other
		frappe.db.sql("select name from `tabZZ Mediation Room` where name = %s for update", self.room)
		# get_all: a clash with anyone's session counts, whoever may see it
		clash = frappe.get_all(
			"ZZ Mediation Session",
			filters={
				"room": self.room,
				"name": ["!=", self.name],
				"starts_at": ["<", self.ends_at],
				"ends_at": [">", self.starts_at],
			},
			fields=["starts_at", "ends_at"],
			limit=1,
		)
		if clash:
			frappe.throw(
				_("{0} is booked from {1} to {2}. Choose another time or room.").format(
					frappe.bold(self.room),
					format_datetime(clash[0].starts_at),
					format_datetime(clash[0].ends_at),
				),
				exc=RoomBookedError,
				title=_("Room Booked"),
			)

	def on_update(self):
		before = self.get_doc_before_save()
		if before and (before.starts_at, before.session_mode) == (self.starts_at, self.session_mode):
			return
		frappe.get_doc("ZZ Case", self.case).add_comment(
			"Info",
			_("Mediation session {0}: {1}, {2}.").format(
				frappe.get_desk_link(self.doctype, self.name),
				_(self.session_mode),
				format_datetime(self.starts_at),
			),
		)
