// The filters each report of the centres begins with: the centre (the user's own by default, the centres
// below it counted with it) and the period, then the report's own grouping and filters.
frappe.provide("zongzhi_center");

zongzhi_center.report_filters = function ({ from = "year", group_by = null, extra = [] } = {}) {
	const start = {
		year: frappe.datetime.year_start,
		month: frappe.datetime.month_start,
		week: () => frappe.datetime.add_days(frappe.datetime.get_today(), -6), // the last seven days
	}[from];
	const filters = [
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
			...(start ? { default: start() } : {}),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
	];
	if (group_by) {
		filters.push(zongzhi_center.select_filter("group_by", __("Group By"), group_by, group_by[0]));
	}
	return [...filters, ...extra];
};

// a Select whose options are shown in the user's language and sent as stored
zongzhi_center.select_filter = function (fieldname, label, values, default_value) {
	return {
		fieldname,
		label,
		fieldtype: "Select",
		options: values.map((value) => ({ value, label: value ? __(value) : "" })),
		...(default_value !== undefined ? { default: default_value } : {}),
	};
};
