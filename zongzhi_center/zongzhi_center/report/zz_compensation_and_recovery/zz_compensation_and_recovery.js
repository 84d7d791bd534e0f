// 化解金额: compensation agreed and losses recovered
frappe.query_reports["ZZ Compensation and Recovery"] = {
	filters: zongzhi_center.report_filters({ group_by: ["Centre", "All"] }),
};
