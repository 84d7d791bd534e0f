// 三色/四色预警: cases by risk colour per week or month
frappe.query_reports["ZZ Risk Colour Trend"] = {
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
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "interval",
			label: __("Interval"),
			fieldtype: "Select",
			options: ["Week", "Month"].map((value) => ({ value, label: __(value) })),
			default: "Week",
		},
	],
};
