// 排查: leads found by grid patrols and how many were resolved
frappe.query_reports["ZZ Screening Leads"] = {
	filters: zongzhi_center.report_filters({ group_by: ["Centre", "All"] }),
};
