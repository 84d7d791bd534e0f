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
}
has_permission = {
	"ZZ Case": "zongzhi_center.permissions.case.has_permission",
	"ZZ Summons": "zongzhi_center.permissions.summons.has_permission",
	"ZZ Consultation": "zongzhi_center.permissions.consultation.has_permission",
}

# Frappe 15 counts rows for frappe.client.get_count without any permission check
override_whitelisted_methods = {
	"frappe.client.get_count": "zongzhi_center.permissions.client.get_count",
}

doc_events = {
	# never keep ID numbers, phones or addresses of parties in the Version log (the form timeline)
	"Version": {
		"before_insert": "zongzhi_center.permissions.personal_data.scrub_version",
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
after_request = ["zongzhi_center.services.tracking.after_request"]
jinja = {
	"methods": [
		"zongzhi_center.services.tracking.qr_data_uri",
		"zongzhi_center.services.tracking.tracking_url",
	],
}
