// 跟踪回访: satisfaction of the parties visited
frappe.query_reports["ZZ Satisfaction"] = {
	filters: zongzhi_center.report_filters({ group_by: ["Centre", "All"] }),
};
