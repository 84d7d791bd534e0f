// 延期情况: extensions asked for, with their reasons and decisions
frappe.query_reports["ZZ Deadline Extensions"] = {
	filters: [
		{
			fieldname: "center",
			label: __("Centre"),
			fieldtype: "Link",
			options: "ZZ Center",
			default: frappe.defaults.get_user_default("ZZ Center"),
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "decision",
			label: __("Decision"),
			fieldtype: "Select",
			options: ["", "Pending", "Approved", "Refused"].map((value) => ({ value, label: value ? __(value) : "" })),
		},
	],
};
