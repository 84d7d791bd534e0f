app_name = "zongzhi_center"
app_title = "Zongzhi Center"
app_publisher = "Zongzhi Center contributors"
app_description = "综治中心 — one-door dispute and grievance resolution centre"
app_email = "maintainers@zongzhi-center.invalid"
app_license = "agpl-3.0"
required_apps = ["frappe/frappe"]  # org/repo: bench looks a bare name up on GitHub

export_python_type_annotations = True
require_type_annotated_api_methods = True

# Install and migrate: roles, workflow (shipped as files under zongzhi_center/workflow/), categories
after_install = "zongzhi_center.setup.install.after_install"
after_migrate = "zongzhi_center.setup.install.after_migrate"

# Roles are exported/imported as fixtures (bench export-fixtures); install.py also reads the same file
fixtures = [
	{
		"dt": "Role",
		"filters": [["role_name", "like", "ZZ %"]],
	}
]

# Centre scoping beyond User Permissions: department handlers see their departments' cases only,
# users with no centre see no cases at all (fail closed).
permission_query_conditions = {
	"ZZ Case": "zongzhi_center.permissions.case.query_conditions",
	"ZZ Case Party": "zongzhi_center.permissions.case.party_query_conditions",
	"ZZ Summons": "zongzhi_center.permissions.summons.query_conditions",
	"ZZ Consultation": "zongzhi_center.permissions.consultation.query_conditions",
	"ZZ Library Item": "zongzhi_center.permissions.library.query_conditions",
	"ZZ Risk Assessment Meeting": "zongzhi_center.permissions.risk_meeting.query_conditions",
	"ZZ Screening Lead": "zongzhi_center.permissions.screening.query_conditions",
	# issue 13: centre records fail closed for centre staff without a centre; the staff directory (phones)
	"ZZ Mediation Agreement": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Mediation Session": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Follow-up Visit": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Supervision Notice": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Staff Attendance": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Stationed Staff": "zongzhi_center.permissions.records.staff_query_conditions",
	# issue 13: rows of this app's child tables, listed on their own, only of parents the user may read
	"*": "zongzhi_center.permissions.guards.child_query_conditions",
}
has_permission = {
	"ZZ Case": "zongzhi_center.permissions.case.has_permission",
	"ZZ Summons": "zongzhi_center.permissions.summons.has_permission",
	"ZZ Consultation": "zongzhi_center.permissions.consultation.has_permission",
	"ZZ Library Item": "zongzhi_center.permissions.library.has_permission",
	"ZZ Risk Assessment Meeting": "zongzhi_center.permissions.risk_meeting.has_permission",
	"ZZ Screening Lead": "zongzhi_center.permissions.screening.has_permission",
	"ZZ Mediation Agreement": "zongzhi_center.permissions.records.center_has_permission",
	"ZZ Mediation Session": "zongzhi_center.permissions.records.center_has_permission",
	"ZZ Follow-up Visit": "zongzhi_center.permissions.records.center_has_permission",
	"ZZ Supervision Notice": "zongzhi_center.permissions.records.center_has_permission",
	"ZZ Staff Attendance": "zongzhi_center.permissions.records.center_has_permission",
	"ZZ Stationed Staff": "zongzhi_center.permissions.records.staff_has_permission",
}

# 社会治理资源库 on the case form: similar typical cases, drafting a typical case from a closed case
doctype_js = {
	"ZZ Case": "public/js/zz_case_library.js",
}

# Frappe 15 counts rows for frappe.client.get_count without any permission check
override_whitelisted_methods = {
	"frappe.client.get_count": "zongzhi_center.permissions.client.get_count",
	# issue 13: Frappe methods that read or write a record without checking it (permissions/endpoints.py)
	"frappe.client.get": "zongzhi_center.permissions.endpoints.get",
	"frappe.client.attach_file": "zongzhi_center.permissions.endpoints.attach_file",
	"frappe.desk.form.utils.get_next": "zongzhi_center.permissions.endpoints.get_next",
	"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count": "zongzhi_center.permissions.endpoints.get_workflow_state_count",
	"frappe.desk.search.search_widget": "zongzhi_center.permissions.endpoints.search_widget",
	"frappe.desk.search.search_link": "zongzhi_center.permissions.endpoints.search_link",
	"frappe.desk.form.linked_with.get_linked_docs": "zongzhi_center.permissions.endpoints.get_linked_docs",
	"frappe.desk.form.linked_with.get": "zongzhi_center.permissions.endpoints.get_linked",
	"frappe.desk.like.toggle_like": "zongzhi_center.permissions.endpoints.toggle_like",
	"frappe.desk.form.document_follow.follow_document": "zongzhi_center.permissions.endpoints.follow_document",
	"frappe.desk.form.document_follow.unfollow_document": "zongzhi_center.permissions.endpoints.unfollow_document",
	"frappe.model.document.unlock_document": "zongzhi_center.permissions.endpoints.unlock_document",
	"frappe.templates.includes.comments.comments.add_comment": "zongzhi_center.permissions.endpoints.add_website_comment",
	"frappe.desk.doctype.tag.tag.add_tag": "zongzhi_center.permissions.endpoints.add_tag",
	"frappe.desk.doctype.tag.tag.add_tags": "zongzhi_center.permissions.endpoints.add_tags",
	"frappe.desk.doctype.tag.tag.remove_tag": "zongzhi_center.permissions.endpoints.remove_tag",
	"upload_file": "zongzhi_center.permissions.endpoints.upload_file",
	"frappe.handler.upload_file": "zongzhi_center.permissions.endpoints.upload_file",
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "zongzhi_center.permissions.endpoints.dashboard_chart",
}

# issue 13: raw SQL filters, link-column joins and debug output from clients (permissions/guards.py)
before_request = ["zongzhi_center.permissions.guards.check_request"]

doc_events = {
	# issue 13: a save is judged against the record as stored, not as edited (permissions/guards.py)
	"*": {
		"before_validate": "zongzhi_center.permissions.guards.check_stored_permission",
	},
	"ZZ Case": {
		"validate": "zongzhi_center.permissions.guards.check_case_move",
	},
	"File": {
		"before_insert": "zongzhi_center.permissions.guards.check_file_url",
	},
	# never keep ID numbers, phones or addresses of parties in the Version log (the form timeline)
	"Version": {
		"before_insert": "zongzhi_center.permissions.personal_data.scrub_version",
	},
	# issue 13: nor in the Error Log (a failed request's traceback keeps its variables: the request body)
	"Error Log": {
		"before_insert": "zongzhi_center.permissions.personal_data.scrub_error_log",
	},
}

# 限时办结: refresh deadline statuses, report and (where a rule says so) escalate overdue cases
scheduler_events = {
	"cron": {
		"*/15 * * * *": [
			"zongzhi_center.services.sla.update_open_cases",
			"zongzhi_center.services.consultation.update_open",
		],
	},
	"daily": [
		"zongzhi_center.zongzhi_center.doctype.zz_mediation_agreement.zz_mediation_agreement.remind_due_obligations",
		"zongzhi_center.zongzhi_center.doctype.zz_mediation_agreement.zz_mediation_agreement.mark_missed_obligations",
		"zongzhi_center.zongzhi_center.doctype.zz_supervision_notice.zz_supervision_notice.mark_overdue_replies",
		"zongzhi_center.services.access.expire_task_forces",
		"zongzhi_center.services.rota.mark_absences",
	],
}

# 一案一码: the public tracking page, its headers, and the QR code for print formats
website_route_rules = [{"from_route": "/track/<token>", "to_route": "track"}]
# Open311 GeoReport v2 at the paths civic clients expect (api/open311.py)
page_renderer = ["zongzhi_center.api.open311.Open311Page"]
after_request = [
	"zongzhi_center.services.tracking.after_request",
	"zongzhi_center.permissions.guards.scrub_error_response",  # issue 13
]
jinja = {
	"methods": [
		"zongzhi_center.services.tracking.qr_data_uri",
		"zongzhi_center.services.tracking.tracking_url",
		"zongzhi_center.services.intake.zz_public_status",
	],
}
