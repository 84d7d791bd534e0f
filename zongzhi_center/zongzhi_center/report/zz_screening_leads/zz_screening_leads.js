// 排查: leads found by grid patrols and how many were resolved
frappe.query_reports["ZZ Screening Leads"] = {
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
			default: frappe.datetime.year_start(),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Centre", "All"].map((value) => ({ value, label: __(value) })),
			default: "Centre",
		},
	],
};
