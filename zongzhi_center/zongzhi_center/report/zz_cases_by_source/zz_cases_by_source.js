// 五源汇聚: cases by source, channel, window or matter type
frappe.query_reports["ZZ Cases by Source"] = {
	filters: zongzhi_center.report_filters({ group_by: ["Source", "Channel", "Window", "Matter Type"] }),
};
