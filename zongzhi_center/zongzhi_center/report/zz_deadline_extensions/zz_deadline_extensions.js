// 延期情况: extensions asked for, with their reasons and decisions
frappe.query_reports["ZZ Deadline Extensions"] = {
	filters: zongzhi_center.report_filters({
		from: "month",
		extra: [
			zongzhi_center.select_filter("decision", __("Decision"), ["", "Pending", "Approved", "Refused"]),
		],
	}),
};
