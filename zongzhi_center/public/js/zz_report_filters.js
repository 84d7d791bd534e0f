// The filters each report of the centres begins with: the centre (the user's own by default, the centres
// below it counted with it) and the period, then the report's own grouping and filters.
frappe.provide("zongzhi_center");

zongzhi_center.report_filters = function ({ from = "year", group_by = null, extra = [] } = {}) {
	// the period ends today in the user's time zone (as the desk's "today" is), and starts on the first of this
	// year or month of that same day: Frappe's year_start and month_start read the browser's clock instead,
	// which on the night of the first gave a period from the first of the month before
	const today = frappe.datetime.get_today();
	const start = {
		year: `${today.slice(0, 4)}-01-01`,
		month: `${today.slice(0, 7)}-01`,
		week: frappe.datetime.add_days(today, -6), // the last seven days
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
			...(start ? { default: start } : {}),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: today,
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
