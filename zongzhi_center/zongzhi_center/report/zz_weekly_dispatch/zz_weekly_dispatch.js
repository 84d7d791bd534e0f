// 周调度: received / accepted / resolved in the period, overdue now
frappe.query_reports["ZZ Weekly Dispatch"] = {
	filters: zongzhi_center.report_filters({
		from: "week",
		group_by: ["Centre", "Department", "Centre and Department", "All"],
	}),
};
