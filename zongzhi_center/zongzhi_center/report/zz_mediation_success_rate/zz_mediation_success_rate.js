// 调解成功率 by centre, category or mediator
frappe.query_reports["ZZ Mediation Success Rate"] = {
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
			options: ["Centre", "Category", "Mediator", "All"].map((value) => ({ value, label: __(value) })),
			default: "Centre",
		},
		{
			fieldname: "category",
			label: __("Category"),
			fieldtype: "Link",
			options: "ZZ Case Category",
		},
		{
			fieldname: "mediator",
			label: __("Mediator"),
			fieldtype: "Link",
			options: "ZZ Stationed Staff",
		},
	],
};
