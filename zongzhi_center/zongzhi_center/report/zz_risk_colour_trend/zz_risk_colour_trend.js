// 三色/四色预警: cases by risk colour per week or month
frappe.query_reports["ZZ Risk Colour Trend"] = {
	filters: zongzhi_center.report_filters({
		from: "none",
		extra: [zongzhi_center.select_filter("interval", __("Interval"), ["Week", "Month"], "Week")],
	}),
};
