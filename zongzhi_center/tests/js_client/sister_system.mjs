// A sister system (a 12345 hotline's server job) talking to the centre through frappe-js-sdk, a REST
// client nobody at the centre wrote: what it can do with the API, and what it is refused.
//
//   ZZ_TOKEN="api_key:api_secret" ZZ_INPUT='{"external_id": …}' node sister_system.mjs http://site:port
//
// ZZ_INPUT (JSON): external_id, category, applicant {party_name, id_number, phone}, bad_id_number,
// other_case and other_case_number (a case of a centre the system does not serve).
// Prints one JSON object on stdout: for each step {ok, data} or {ok: false, error}, where error is what the
// SDK rejected with (httpStatus, message, and the body's own keys).
import sdk from "frappe-js-sdk";

const { FrappeApp } = sdk;
const url = process.argv[2] || process.env.ZZ_URL;
const token = process.env.ZZ_TOKEN;
const input = JSON.parse(process.env.ZZ_INPUT || "{}");
if (!url || !token) {
	console.error("usage: ZZ_TOKEN=key:secret ZZ_INPUT='{…}' node sister_system.mjs <site url>");
	process.exit(2);
}

const app = new FrappeApp(url, { useToken: true, token: () => token, type: "token" });
const call = app.call();
const db = app.db();
const INTAKE = "zongzhi_center.api.v1.submit_case";
const STATUS = "zongzhi_center.api.v1.case_status";

// the SDK rejects with a plain object; anything else is a fault of this script or the SDK itself
function plain(error) {
	if (error instanceof Error) {
		return { httpStatus: -1, message: `${error.name}: ${error.message}`, stack: error.stack };
	}
	return error;
}

async function attempt(fn) {
	try {
		return { ok: true, data: await fn() };
	} catch (error) {
		return { ok: false, error: plain(error) };
	}
}

function twoPartyCase(overrides = {}) {
	return {
		external_id: input.external_id,
		title: "邻里噪音纠纷",
		facts: "楼下商铺夜间营业噪音扰民，多次协商未果，来电请求调解。",
		category: input.category,
		parties: [
			{ party_role: "Applicant", party_type: "Person", ...input.applicant },
			{ party_role: "Respondent", party_type: "Organisation", party_name: "某某餐饮店" },
		],
		...overrides,
	};
}

const summary = { sdk_version: null, url };
try {
	const { createRequire } = await import("node:module");
	summary.sdk_version = createRequire(import.meta.url)("frappe-js-sdk/package.json").version;
} catch {
	// the version is for the report only
}

// 1. the intake method, and the same call again (a retry after a lost answer)
summary.intake = await attempt(() => call.post(INTAKE, twoPartyCase()));
summary.replay = await attempt(() => call.post(INTAKE, twoPartyCase()));
const number = summary.intake.ok ? summary.intake.data.case_number : "none";

// 2. the status method, by the public case number and by the system's own id
summary.status_by_number = await attempt(() => call.get(STATUS, { case_number: number }));
summary.status_by_external_id = await attempt(() => call.get(STATUS, { external_id: input.external_id }));

// 3. Frappe's list and document endpoints: the system's own cases
const fields = ["name", "case_number", "external_id", "external_system", "workflow_state", "receiving_center"];
summary.own_list = await attempt(() =>
	db.getDocList("ZZ Case", { fields, filters: [["external_id", "=", input.external_id]], limit: 20 }),
);
summary.everything_listed = await attempt(() =>
	db.getDocList("ZZ Case", { fields: ["name", "external_system"], limit: 1000 }),
);
summary.own_count = await attempt(() => db.getCount("ZZ Case", [["external_id", "=", input.external_id]]));
const ownName = summary.own_list.ok && summary.own_list.data.length ? summary.own_list.data[0].name : "none";
summary.own_doc = await attempt(() => db.getDoc("ZZ Case", ownName));

// 4. another centre's case, through every door the SDK has
summary.other_doc = await attempt(() => db.getDoc("ZZ Case", input.other_case));
summary.other_in_list = await attempt(() =>
	db.getDocList("ZZ Case", { fields: ["name"], filters: [["name", "=", input.other_case]] }),
);
summary.other_count = await attempt(() => db.getCount("ZZ Case", [["name", "=", input.other_case]]));
summary.other_status = await attempt(() => call.get(STATUS, { case_number: input.other_case_number }));

// 5. a field the system may not read (the risk override, permission level 2)
summary.forbidden_field = await attempt(() =>
	db.getDocList("ZZ Case", { fields: ["name", "risk_override"], filters: [["name", "=", ownName]] }),
);

// 6. bad input: field errors of the intake, Frappe's own validation, a status call without an id
summary.bad_intake = await attempt(() =>
	call.post(
		INTAKE,
		twoPartyCase({
			external_id: `${input.external_id}-bad`,
			title: "",
			parties: [
				{
					party_role: "Applicant",
					party_type: "Person",
					party_name: "赵错误",
					id_number: input.bad_id_number,
					phone: "12345",
				},
			],
		}),
	),
);
summary.bad_resource = await attempt(() =>
	db.createDoc("ZZ Case", {
		...twoPartyCase({ external_id: `${input.external_id}-rest` }),
		receiving_center: input.receiving_center,
		matter_type: "Dispute Mediation",
		parties: [{ party_role: "Applicant", party_type: "Person", party_name: "赵错误", phone: "12345" }],
	}),
);
summary.bad_status = await attempt(() => call.get(STATUS, {}));

process.stdout.write(JSON.stringify(summary));
