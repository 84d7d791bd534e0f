"""One exception class per rule a user can break; raised with frappe.throw(_(…), exc=…)."""

import frappe


class InvalidRegionCodeError(frappe.ValidationError):
	pass


class CenterLevelError(frappe.ValidationError):
	pass


class InvalidIDNumberError(frappe.ValidationError):
	pass


class InvalidPhoneError(frappe.ValidationError):
	pass


class CaseWithoutApplicantError(frappe.ValidationError):
	pass


class CaseWithoutFactsError(frappe.ValidationError):
	pass


class TierBelowCenterError(frappe.ValidationError):
	pass


class FirstReceiverImmutableError(frappe.ValidationError):
	pass


class ReceivingCenterNotAllowedError(frappe.PermissionError):
	pass


class StateRequirementError(frappe.ValidationError):
	pass


class StateEditNotAllowedError(frappe.PermissionError):
	pass


class StaffPeriodError(frappe.ValidationError):
	pass


class MoveNotAllowedError(frappe.ValidationError):
	pass


class RiskOverrideError(frappe.ValidationError):
	pass


class InvalidRuleError(frappe.ValidationError):
	pass


class SummonsResponseError(frappe.ValidationError):
	pass


class ConsultationError(frappe.ValidationError):
	pass


class ConflictOfInterestError(frappe.PermissionError):
	pass


class AttendanceNotOwnError(frappe.PermissionError):
	"""Stationed staff record their own attendance only; dispatchers and directors record anyone's."""


class AgreementError(frappe.ValidationError):
	"""A mediation agreement that cannot be signed, confirmed or fulfilled as asked."""


class FollowUpError(frappe.ValidationError):
	"""A follow-up visit recorded without what it must say."""


class SessionError(frappe.ValidationError):
	"""A mediation session that cannot be as entered."""


class RoomBookedError(frappe.ValidationError):
	"""The mediation room is booked at that time."""


class SupervisionError(frappe.ValidationError):
	"""A supervision notice that cannot be issued or answered as asked."""


class LibraryError(frappe.ValidationError):
	"""A library item that cannot be drafted or published as asked."""


class PersonalDataInLibraryError(frappe.ValidationError):
	"""A typical case still names a party of its source case, or shows their ID number or phone."""


class RiskMeetingError(frappe.ValidationError):
	"""A risk assessment meeting whose agenda or follow-up actions cannot be as entered."""


class DuplicateIntakeError(frappe.ValidationError):
	"""A sister system sent a case with an external id it already used."""

	http_status_code = 409


class MaskedValueError(frappe.ValidationError):
	"""A masked ID number, phone or address was given where the full value is needed."""


class PersonalDataNotPermittedError(frappe.PermissionError):
	"""The user may not see this person's data in clear."""


class AttachmentTypeError(frappe.ValidationError):
	"""A file of a type not on the allowed list (ZZ Settings) was attached to a record of the centre."""


class AttachmentNameError(frappe.ValidationError):
	"""A file name with control characters or bidi overrides."""


class PublicAttachmentError(frappe.ValidationError):
	"""A record of the centre was given a public file: its attachments are personal data, kept private."""


class InvalidValueError(frappe.ValidationError):
	"""A value its field cannot hold: an impossible date, NaN, or a number beyond the column's range."""

	http_status_code = 422


class QueryExpressionError(frappe.PermissionError):
	"""A list, count, report or chart asked for more than fields of its DocType and simple aggregates of them."""


class ProtectedFieldQueryError(frappe.PermissionError):
	"""A list, count, report or chart named a field at a permission level the user may not read."""


class UnsavedPrintError(frappe.PermissionError):
	"""A print request gave a document of the centre that is not stored: only stored documents are printed."""


class PrintFormatDocTypeError(frappe.ValidationError):
	"""A print format was asked for a document of another DocType than the one it is written for."""


class ExtensionNotAllowedError(frappe.ValidationError):
	"""An extension asked for or approved against the rule's limits or the case's clock."""


class ExtensionRequesterError(frappe.PermissionError):
	"""Someone other than the case's handler or a dispatcher of its centre asks for an extension."""


class ExtensionDeciderError(frappe.PermissionError):
	"""An extension decided by its requester, or by a director outside the case's centre."""


class ExtensionDecidedError(frappe.ValidationError):
	"""A decided extension is changed."""


class ReviewNotAllowedError(frappe.ValidationError):
	"""A 复查/复核 asked of a case that cannot be reviewed (not a petition, not answered, a 复核, reviewed)."""


class ReviewWindowClosedError(frappe.ValidationError):
	"""A 复查/复核 applied for after its window from the answer being reviewed."""


class CaseUnderReviewError(frappe.ValidationError):
	"""A case changed while its 复查/复核 is open."""


class ReviewHandlerError(frappe.PermissionError):
	"""A review routed to whoever handled the case it reviews."""


class ReopenError(frappe.ValidationError):
	"""重新办理 asked of a case that is not closed, or without a reason."""


class CorrectionFieldError(frappe.ValidationError):
	"""更正 of a field that changes the case's course (not in ZZ Settings' correctable fields), or of nothing."""


class CorrectionNotAllowedError(frappe.PermissionError):
	"""更正 by a user who may not edit the case, or of a case that is closed."""
