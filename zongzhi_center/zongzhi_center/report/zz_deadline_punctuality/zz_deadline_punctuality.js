// 限时办结率: on time, on time with extension, late, and still open past the resolve-by
frappe.query_reports["ZZ Deadline Punctuality"] = {
	filters: zongzhi_center.report_filters({ from: "month", group_by: ["Centre", "Department", "All"] }),
};
