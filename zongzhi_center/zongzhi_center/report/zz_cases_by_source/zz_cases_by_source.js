// 五源汇聚: cases by source, channel, window or matter type
frappe.query_reports["ZZ Cases by Source"] = {
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
			options: ["Source", "Channel", "Window", "Matter Type"].map((value) => ({ value, label: __(value) })),
			default: "Source",
		},
	],
};
