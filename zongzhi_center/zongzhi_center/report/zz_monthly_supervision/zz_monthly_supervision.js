// 月督查: overdue cases, consultation punctuality and supervision letters by department
frappe.query_reports["ZZ Monthly Supervision"] = {
	filters: zongzhi_center.report_filters({ from: "month" }),
};
