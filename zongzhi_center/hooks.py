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
	"ZZ Deadline Extension": "zongzhi_center.permissions.extension.query_conditions",
	"ZZ Consultation": "zongzhi_center.permissions.consultation.query_conditions",
	"ZZ Library Item": "zongzhi_center.permissions.library.query_conditions",
	"ZZ Risk Assessment Meeting": "zongzhi_center.permissions.risk_meeting.query_conditions",
	"ZZ Screening Lead": "zongzhi_center.permissions.screening.query_conditions",
	# centre records fail closed for centre staff without a centre; the staff directory (phones)
	"ZZ Mediation Agreement": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Mediation Session": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Follow-up Visit": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Supervision Notice": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Staff Attendance": "zongzhi_center.permissions.records.center_query_conditions",
	"ZZ Stationed Staff": "zongzhi_center.permissions.records.staff_query_conditions",
	# work waiting to follow saved records, of every centre: System Managers only (services/outbox.py)
	"ZZ Outbox": "zongzhi_center.services.outbox.query_conditions",
	# rows of this app's child tables, listed on their own, only of parents the user may read
	"*": "zongzhi_center.permissions.guards.child_query_conditions",
	# files attached to this app's records: only for users who may read the record (permissions/files.py)
	"File": "zongzhi_center.permissions.files.query_conditions",
}
has_permission = {
	"ZZ Case": "zongzhi_center.permissions.case.has_permission",
	"ZZ Summons": "zongzhi_center.permissions.summons.has_permission",
	"ZZ Deadline Extension": "zongzhi_center.permissions.extension.has_permission",
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
	"ZZ Outbox": "zongzhi_center.services.outbox.has_permission",
	"File": "zongzhi_center.permissions.files.has_permission",
}

# the centre and period filters every report begins with (each report's .js names its own after them)
app_include_js = [
	"/assets/zongzhi_center/js/zz_report_filters.js",
	# what a form of the app draws after its first screen: the tables of its other tabs, its activity
	"/assets/zongzhi_center/js/zz_form_drawing.js",
]

# 社会治理资源库 on the case form: similar typical cases, drafting a typical case from a closed case
# 脱敏 and 查看留痕 on every form that keeps people's data (a test checks each DocType with vault fields is here)
doctype_js = {
	"ZZ Case": [
		"public/js/zz_case_library.js",
		"public/js/zz_personal_data.js",
		# 延期: the handler asks for more days from the case form (services/extensions.py)
		"public/js/zz_case_extension.js",
		# 更正: a clerk corrects typing mistakes of an accepted case (services/corrections.py)
		"public/js/zz_case_correction.js",
	],
	"ZZ Mediation Agreement": "public/js/zz_personal_data.js",
	"ZZ Stationed Staff": "public/js/zz_personal_data.js",
}
# the desk names the app's records by their titles, not by their random names: no ID column in their lists,
# titles of linked records in their form timelines (public/js/zz_desk_titles.js). tests/test_no_hash_ids.py
# checks every DocType of the app named by a hash is listed here.
_HASH_NAMED_DOCTYPES = (
	"ZZ Case",
	"ZZ Consultation",
	"ZZ Deadline Extension",
	"ZZ Follow-up Visit",
	"ZZ Library Item",
	"ZZ Mediation Agreement",
	"ZZ Mediation Session",
	"ZZ Personal Data Access",
	"ZZ Screening Lead",
	"ZZ Staff Attendance",
	"ZZ Stationed Staff",
	"ZZ Summons",
	"ZZ Supervision Notice",
	"ZZ Outbox",
)
doctype_list_js = {}
for _doctype in _HASH_NAMED_DOCTYPES:
	_scripts = doctype_js.get(_doctype) or []
	doctype_js[_doctype] = [
		*([_scripts] if isinstance(_scripts, str) else _scripts),
		"public/js/zz_desk_titles.js",
	]
	# and a refused record is a page that says so (public/js/zz_desk_refusal.js)
	doctype_list_js[_doctype] = ["public/js/zz_desk_titles.js", "public/js/zz_desk_refusal.js"]
# 窗口快速登记: the case list's 登记 button and frappe.new_doc("ZZ Case") open one dialog (services/registration.py)
_scripts = doctype_list_js.get("ZZ Case") or []
doctype_list_js["ZZ Case"] = [
	*([_scripts] if isinstance(_scripts, str) else _scripts),
	"public/js/zz_quick_registration.js",
]

# Frappe's whitelisted methods that skip the permission of the record they read or write, or trust a flag
# from the client: each wrapper (zongzhi_center/overrides/) checks it, then calls Frappe's own method
override_whitelisted_methods = {
	"frappe.client.get_count": "zongzhi_center.overrides.client.get_count",
	# the case list's total from each centre's kept number of cases (overrides/reportview.py)
	"frappe.desk.reportview.get_count": "zongzhi_center.overrides.reportview.get_count",
	"frappe.client.get": "zongzhi_center.overrides.client.get",
	"frappe.client.attach_file": "zongzhi_center.overrides.files.attach_file",
	"frappe.desk.form.utils.get_next": "zongzhi_center.overrides.desk.get_next",
	"frappe.workflow.doctype.workflow.workflow.get_workflow_state_count": "zongzhi_center.overrides.desk.get_workflow_state_count",
	"frappe.desk.search.search_widget": "zongzhi_center.overrides.desk.search_widget",
	"frappe.desk.search.search_link": "zongzhi_center.overrides.desk.search_link",
	"frappe.desk.form.linked_with.get": "zongzhi_center.overrides.desk.get_linked",
	"frappe.desk.like.toggle_like": "zongzhi_center.overrides.annotations.toggle_like",
	"frappe.desk.form.document_follow.follow_document": "zongzhi_center.overrides.annotations.follow_document",
	"frappe.desk.form.document_follow.unfollow_document": "zongzhi_center.overrides.annotations.unfollow_document",
	"frappe.model.document.unlock_document": "zongzhi_center.overrides.annotations.unlock_document",
	"frappe.templates.includes.comments.comments.add_comment": "zongzhi_center.overrides.annotations.add_website_comment",
	"frappe.desk.doctype.tag.tag.add_tag": "zongzhi_center.overrides.annotations.add_tag",
	"frappe.desk.doctype.tag.tag.add_tags": "zongzhi_center.overrides.annotations.add_tags",
	"frappe.desk.doctype.tag.tag.remove_tag": "zongzhi_center.overrides.annotations.remove_tag",
	"upload_file": "zongzhi_center.overrides.files.upload_file",
	"frappe.handler.upload_file": "zongzhi_center.overrides.files.upload_file",
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "zongzhi_center.overrides.desk.dashboard_chart",
	# the list sidebar's "Assigned To" counts assignments of the records the user reads (overrides/desk.py)
	"frappe.desk.listview.get_group_by_count": "zongzhi_center.overrides.desk.get_group_by_count",
	# prints are made of the stored document, never of a document the client sends (overrides/printing.py)
	"frappe.www.printview.get_html_and_style": "zongzhi_center.overrides.printing.get_html_and_style",
	"frappe.www.printview.get_rendered_raw_commands": "zongzhi_center.overrides.printing.get_rendered_raw_commands",
	"frappe.utils.print_format.download_pdf": "zongzhi_center.overrides.printing.download_pdf",
	"frappe.utils.print_format.print_by_server": "zongzhi_center.overrides.printing.print_by_server",
	"frappe.utils.print_format.download_multi_pdf": "zongzhi_center.overrides.printing.download_multi_pdf",
	"frappe.utils.print_format.download_multi_pdf_async": "zongzhi_center.overrides.printing.download_multi_pdf_async",
	# a record's title, and live list updates naming saved records, only for who may read them
	"frappe.desk.search.get_link_title": "zongzhi_center.overrides.visibility.get_link_title",
	"frappe.realtime.can_subscribe_doctype": "zongzhi_center.overrides.visibility.can_subscribe_doctype",
}

before_request = [
	# rows of this app's child tables are judged by their parent record, as stored (overrides/permissions.py)
	"zongzhi_center.overrides.permissions.install",
	# Workflow Action records only where an app's workflow sends approval emails (overrides/workflow_actions.py)
	"zongzhi_center.overrides.workflow_actions.install",
	# a new record's tables cost no query each: singles are known from the meta (overrides/new_docs.py)
	"zongzhi_center.overrides.new_docs.install",
	# a get_value's field names are parsed once a process, not once a call (overrides/query_fields.py)
	"zongzhi_center.overrides.query_fields.install",
	# a website page reads the site's redirect rows from the cache (overrides/redirects.py)
	"zongzhi_center.overrides.redirects.install",
	# the records shared with the user, in one plain query (overrides/shares.py)
	"zongzhi_center.overrides.shares.install",
	# the /printview page prints the stored document in a print format of its DocType (overrides/printing.py)
	"zongzhi_center.overrides.printing.check_print_page",
	# raw SQL filters, link-column joins and debug output from clients (permissions/guards.py)
	"zongzhi_center.permissions.guards.check_request",
	# Open311 has GET and POST: another method is refused in the spec's shape (api/open311.py)
	"zongzhi_center.api.open311.refuse_other_methods",
]
before_job = [
	"zongzhi_center.overrides.permissions.install",
	"zongzhi_center.overrides.workflow_actions.install",
	"zongzhi_center.overrides.new_docs.install",
	"zongzhi_center.overrides.query_fields.install",
	"zongzhi_center.overrides.shares.install",
]
# a list's fields, order, grouping and filters: plain fields the caller may read (permissions/query.py); an auth
# hook, since Frappe reads API keys and OAuth tokens after before_request and the check depends on the user
auth_hooks = [
	# a user signed in with an API key is answered in the user's language, refusals of the checks below too
	"zongzhi_center.api.language.use_the_users_language",
	"zongzhi_center.permissions.query.check_query_params",
	# a full ID number in a list filter is looked up by its keyed hash: the column holds masks (services/vault.py)
	"zongzhi_center.services.vault.search_by_identity",
]

doc_events = {
	# a save is judged against the record as stored, not as edited (permissions/guards.py)
	"*": {
		"before_validate": [
			"zongzhi_center.permissions.guards.check_stored_permission",
			# impossible dates, NaN and numbers beyond their column answer 422, not 500 (services/bad_input.py)
			"zongzhi_center.services.bad_input.check_values",
		],
		# the Standard print layout headed by the record's number and title, not its random name
		"before_print": "zongzhi_center.services.record_titles.set_print_heading",
		# personal data leaves the request encrypted, with only its mask in the column (services/vault.py)
		"validate": "zongzhi_center.services.vault.protect",
		# a Webhook's calls are written to the outbox with the change that triggers them (overrides/webhooks.py),
		# on each event a Webhook can follow (tests/test_outbox.py checks them against the Webhook's options)
		**dict.fromkeys(
			(
				"after_insert",
				"on_update",
				"on_submit",
				"on_cancel",
				"on_trash",
				"on_change",
				"on_update_after_submit",
			),
			"zongzhi_center.overrides.webhooks.watch",
		),
	},
	"ZZ Case": {
		"validate": "zongzhi_center.permissions.guards.check_case_move",
		# the public page's kept facts of the case are forgotten with every change (services/tracking.py)
		"on_change": [
			"zongzhi_center.services.tracking.forget_view",
			# each centre's number of cases, the list's total (services/case_count.py)
			"zongzhi_center.services.case_count.on_change",
		],
		"before_insert": "zongzhi_center.services.case_count.before_insert",
		"after_delete": "zongzhi_center.services.case_count.after_delete",
	},
	"File": {
		"before_insert": "zongzhi_center.permissions.guards.check_file_url",
		# allowed types, private, clean names (services/uploads.py)
		"before_validate": "zongzhi_center.services.uploads.check_file",
	},
	# System Manager only when an administrator gives it (permissions/system_manager.py)
	"User": {
		"before_validate": "zongzhi_center.permissions.system_manager.remember_roles",
		"validate": "zongzhi_center.permissions.system_manager.keep_roles_as_given",
		# who reads their own cases without a share depends on their roles (services/access.py)
		"on_update": "zongzhi_center.services.access.after_role_change",
	},
	# its redirect rows, kept in the cache for every website page, are read again (overrides/redirects.py)
	"Website Settings": {"on_update": "zongzhi_center.overrides.redirects.forget_rows"},
	# never keep ID numbers, phones or addresses of parties in the Version log (the form timeline)
	"Version": {
		"before_insert": "zongzhi_center.permissions.personal_data.scrub_version",
	},
	# nor in the Error Log (a failed request's traceback keeps its variables: the request body)
	"Error Log": {
		"before_insert": "zongzhi_center.permissions.personal_data.scrub_error_log",
	},
	# a state or action replaced in its row of the case workflow is a rename the app follows
	# (services/workflow_names.py)
	"Workflow": {
		"on_update": "zongzhi_center.services.workflow_names.follow_workflow_edit",
	},
}

# 限时办结: refresh deadline statuses, report and (where a rule says so) escalate overdue cases
scheduler_events = {
	"cron": {
		# work written with saved records (notifications, case files, status callbacks) that no drain was asked
		# for, while the queue was unreachable, or is due again (services/outbox.py)
		"* * * * *": ["zongzhi_center.services.outbox.kick_due"],
		"*/15 * * * *": [
			"zongzhi_center.services.sla.update_open_cases",
			"zongzhi_center.services.consultation.update_open",
		],
	},
	# each centre's rows of case counts summed into one (services/case_count.py)
	"hourly": ["zongzhi_center.services.case_count.compact"],
	"daily": [
		"zongzhi_center.services.performance.remind_due_obligations",
		"zongzhi_center.services.performance.mark_missed_obligations",
		"zongzhi_center.services.supervision.mark_overdue_replies",
		"zongzhi_center.services.access.expire_task_forces",
		"zongzhi_center.services.rota.mark_absences",
		# every running case's deadline recomputed once a day, whatever the next run's cache remembers
		"zongzhi_center.services.sla.recheck_all",
		# 司法确认: the mediator warned before the 30 days close, the agreement marked once they have
		"zongzhi_center.services.judicial_confirmation.update_windows",
	],
}

# Open311 GeoReport v2 at the paths civic clients expect (api/open311.py), and 一案一码's public tracking page
# (/track/<token>) on a lean path, recognised before Frappe's route rules (services/tracking_page.py)
page_renderer = [
	"zongzhi_center.api.open311.Open311Page",
	"zongzhi_center.services.tracking_page.TrackingPage",
]
website_path_resolver = ["zongzhi_center.services.tracking_page.resolve_path"]
after_request = [
	# first: a request whose JSON body does not parse failed before Frappe knew the user
	"zongzhi_center.services.bad_input.answer_unreadable_body",
	# an Open311 client is refused in the spec's shape also where Frappe refuses first (a wrong token)
	"zongzhi_center.api.open311.answer_in_spec_shape",
	"zongzhi_center.services.tracking.after_request",
	"zongzhi_center.services.uploads.serve_as_download",
	"zongzhi_center.permissions.titles.drop_unreadable_link_titles",
	# the titles of linked records a list asks for, of the records the user may see (permissions/titles.py)
	"zongzhi_center.permissions.titles.add_list_titles",
	# a request the database gave up on (deadlock, lock wait) is "busy, try again", not a 500 (services/busy.py)
	"zongzhi_center.services.busy.answer_busy",
	"zongzhi_center.permissions.guards.scrub_error_response",  # refusals name no centre and carry no traceback
]
# this app's prints load nothing from outside the site (services/print_resources.py)
pdf_body_html = "zongzhi_center.services.print_resources.pdf_body_html"
jinja = {
	"methods": [
		"zongzhi_center.services.tracking.qr_data_uri",
		"zongzhi_center.services.tracking.tracking_url",
		"zongzhi_center.services.intake.zz_public_status",
		"zongzhi_center.services.intake.zz_merged_into",
		# prints show a person's data in clear only to who may reveal it, and log it (services/vault.py)
		"zongzhi_center.services.vault.zz_personal",
		"zongzhi_center.services.casefile.zz_case_notes",
	],
}

# 查看留痕 kept at least six months (MLPS 2.0); Log Settings may keep it longer, never shorter
default_log_clearing_doctypes = {"ZZ Personal Data Access": [365], "ZZ Outbox": [30]}

# the desk's scripts name workflow states and actions by their meaning (services/workflow_names.py)
extend_bootinfo = "zongzhi_center.services.workflow_names.extend_bootinfo"
