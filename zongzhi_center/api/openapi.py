"""The OpenAPI 3.1 description of the sister-system API (api/v1.py) and the Open311 facade (api/open311.py).

The schemas are JSON Schema (2020-12); the tests validate real answers against them, and check that every
whitelisted method of both modules is described here and nothing else.
"""

from __future__ import annotations

from zongzhi_center.engine import intake as engine

V1 = "/api/method/zongzhi_center.api.v1"
OPEN311 = "/api/method/zongzhi_center.api.open311"

STRING_OR_NULL = {"type": ["string", "null"]}

SCHEMAS: dict[str, dict] = {
	"Party": {
		"type": "object",
		"additionalProperties": False,
		"required": ["party_role", "party_name"],
		"properties": {
			"party_role": {"enum": list(engine.PARTY_ROLES)},
			"party_type": {"enum": list(engine.PARTY_TYPES), "default": "Person"},
			"party_name": {"type": "string", "maxLength": engine.LIMITS["party_name"]},
			"id_number": {"type": "string", "description": "Resident ID number (GB 11643) or credit code"},
			"phone": {"type": "string"},
			"address": {"type": "string", "maxLength": engine.LIMITS["address"]},
		},
	},
	"Attachment": {
		"type": "object",
		"additionalProperties": False,
		"required": ["file_name", "content"],
		"properties": {
			"file_name": {"type": "string", "maxLength": 140},
			"content": {"type": "string", "contentEncoding": "base64"},
		},
	},
	"CaseIntake": {
		"type": "object",
		"additionalProperties": False,
		"required": ["title", "facts", "external_id", "parties"],
		"properties": {
			"title": {"type": "string", "maxLength": engine.LIMITS["title"]},
			"facts": {"type": "string", "maxLength": engine.LIMITS["facts"]},
			"matter_type": {"enum": list(engine.MATTER_TYPES)},
			"source": {"enum": list(engine.SOURCES), "description": "五源; the system's own by default"},
			"channel": {"enum": list(engine.CHANNELS)},
			"category": {"type": "string", "description": "A service_code of the Open311 service list"},
			"incident_date": {"type": "string", "format": "date"},
			"incident_location": {"type": "string", "maxLength": engine.LIMITS["incident_location"]},
			"amount_in_dispute": {"type": "number", "minimum": 0},
			"external_system": {"type": "string", "description": "Ignored unless it is the caller's own"},
			"external_id": {"type": "string", "pattern": engine.EXTERNAL_ID.pattern},
			"receiving_center": {"type": "string"},
			"parties": {
				"type": "array",
				"minItems": 1,
				"maxItems": engine.MAX_PARTIES,
				"items": {"$ref": "#/components/schemas/Party"},
			},
			"attachments": {
				"type": "array",
				"maxItems": 10,
				"items": {"$ref": "#/components/schemas/Attachment"},
			},
		},
	},
	"IntakeAnswer": {
		"type": "object",
		"additionalProperties": False,
		"required": [
			"case_number",
			"tracking_url",
			"status",
			"workflow_state",
			"external_system",
			"external_id",
			"received_at",
			"updated_at",
			"replayed",
		],
		"properties": {
			"case_number": {"type": "string"},
			"tracking_url": {"type": "string", "format": "uri"},
			"status": {"type": "string", "description": "The public milestone"},
			"workflow_state": {"type": "string"},
			"external_system": {"type": "string"},
			"external_id": {"type": "string"},
			"received_at": {"type": "string"},
			"updated_at": {"type": "string"},
			"replayed": {"type": "boolean", "description": "true when this answers a replay"},
			"warnings": {
				"type": "array",
				"description": "What the receiving clerk is also told, e.g. the applicant's request on the same "
				"matter was concluded by re-review (复核) in an earlier case: declining it is suggested",
				"items": {
					"type": "object",
					"additionalProperties": False,
					"required": ["code", "message"],
					"properties": {
						"code": {"type": "string"},
						"message": {"type": "string"},
						"case_number": {"type": "string"},
					},
				},
			},
		},
	},
	"CaseStatus": {
		"type": "object",
		"additionalProperties": False,
		"required": ["case_number", "tracking_url", "status", "workflow_state", "milestones"],
		"properties": {
			"case_number": {"type": "string"},
			"tracking_url": {"type": "string", "format": "uri"},
			"status": {"type": "string"},
			"workflow_state": {"type": "string"},
			"external_system": {"type": "string"},
			"external_id": {"type": "string"},
			"received_at": {"type": "string"},
			"updated_at": {"type": "string"},
			"merged_into": {
				"type": "string",
				"description": "Merged as a duplicate (并案): the number of the case that handles it on",
			},
			"milestones": {
				"type": "array",
				"items": {
					"type": "object",
					"additionalProperties": False,
					"required": ["status", "at"],
					"properties": {"status": {"type": "string"}, "at": {"type": "string"}},
				},
			},
		},
	},
	"Errors": {
		"type": "object",
		"additionalProperties": False,
		"required": ["errors"],
		"properties": {
			"errors": {
				"type": "array",
				"minItems": 1,
				"items": {
					"type": "object",
					"additionalProperties": False,
					"required": ["field", "code", "message"],
					"properties": {
						"field": {
							"type": "string",
							"description": "Path of the field, e.g. parties[0].phone",
						},
						"code": {
							"enum": [
								engine.REQUIRED,
								engine.INVALID,
								engine.TOO_LONG,
								engine.NOT_ALLOWED,
								engine.UNKNOWN_FIELD,
								"conflict",
								"not_found",
								"forbidden",
								"busy",
								"server_error",
							]
						},
						"message": {"type": "string"},
					},
				},
			},
			"message": {
				"type": "string",
				"description": "The errors in one line, in the caller's language (what client libraries show)",
			},
		},
	},
	"Open311Service": {
		"type": "object",
		"required": ["service_code", "service_name", "metadata", "type"],
		"properties": {
			"service_code": {"type": "string"},
			"service_name": {"type": "string"},
			"description": {"type": "string"},
			"metadata": {"type": "boolean"},
			"type": {"enum": ["realtime", "batch", "blackbox"]},
			"keywords": {"type": "string"},
			"group": {"type": "string"},
		},
	},
	"Open311ServiceRequest": {
		"type": "object",
		"required": ["service_request_id", "status", "service_code", "requested_datetime"],
		"properties": {
			"service_request_id": {"type": "string"},
			"status": {"enum": ["open", "closed"]},
			"status_notes": {"type": "string"},
			"merged_into": {"type": "string", "description": "The request a merged duplicate continues in"},
			"service_code": {"type": "string"},
			"service_name": {"type": "string"},
			"agency_responsible": {"type": "string", "description": "The centre handling the request"},
			"service_notice": {"type": "string"},
			"requested_datetime": {"type": "string", "format": "date-time"},
			"updated_datetime": {"type": "string", "format": "date-time"},
			"expected_datetime": {**STRING_OR_NULL, "description": "The date promised, while open"},
		},
	},
	"Open311ServiceDefinition": {
		"type": "object",
		"required": ["service_code", "attributes"],
		"properties": {
			"service_code": {"type": "string"},
			"attributes": {
				"type": "array",
				"items": {
					"type": "object",
					"required": ["variable", "code", "datatype", "required", "order", "description"],
					"properties": {
						"variable": {"type": "boolean"},
						"code": {"type": "string"},
						"datatype": {
							"enum": [
								"string",
								"number",
								"datetime",
								"text",
								"singlevaluelist",
								"multivaluelist",
							]
						},
						"required": {"type": "boolean"},
						"datatype_description": {"type": "string"},
						"order": {"type": "integer"},
						"description": {"type": "string"},
						"values": {
							"type": "array",
							"items": {
								"type": "object",
								"required": ["key", "name"],
								"properties": {"key": {"type": "string"}, "name": {"type": "string"}},
							},
						},
					},
				},
			},
		},
	},
	"Open311Created": {
		"type": "object",
		"required": ["service_request_id"],
		"properties": {
			"service_request_id": {"type": "string"},
			"service_notice": {"type": "string"},
			"account_id": STRING_OR_NULL,
		},
	},
	"Open311Errors": {
		"type": "array",
		"minItems": 1,
		"items": {
			"type": "object",
			"required": ["code", "description"],
			"properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
		},
	},
}


def ref(name: str) -> dict:
	return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
	return {"content": {"application/json": {"schema": schema}}}


def reply(description: str, schema: dict) -> dict:
	return {"description": description, **json_content(schema)}


ERRORS = ref("Errors")
OPEN311_ERRORS = ref("Open311Errors")

PATHS: dict[str, dict] = {
	f"{V1}.submit_case": {
		"post": {
			"operationId": "submit_case",
			"summary": "Register a case (idempotent by external_id or Idempotency-Key)",
			"parameters": [
				{
					"name": "Idempotency-Key",
					"in": "header",
					"required": False,
					"schema": {"type": "string", "pattern": engine.EXTERNAL_ID.pattern},
				}
			],
			"requestBody": {"required": True, **json_content(ref("CaseIntake"))},
			"responses": {
				"201": reply("Registered", ref("IntakeAnswer")),
				"200": reply("A replay: the first answer", ref("IntakeAnswer")),
				"400": reply("Not a JSON object, or a bad Idempotency-Key", ERRORS),
				"403": reply("Not a sister system", ERRORS),
				"409": reply("The id was used for a different case", ERRORS),
				"422": reply("Field errors; nothing saved", ERRORS),
				"500": reply("A fault of the server; nothing saved", ERRORS),
				"503": reply("Busy: send again with the same Idempotency-Key", ERRORS),
			},
		}
	},
	f"{V1}.case_status": {
		"get": {
			"operationId": "case_status",
			"summary": "Status and public milestones of one of the caller's cases, by its id or case number",
			"parameters": [
				{"name": "external_id", "in": "query", "required": False, "schema": {"type": "string"}},
				{"name": "case_number", "in": "query", "required": False, "schema": {"type": "string"}},
			],
			"responses": {
				"200": reply("The case", ref("CaseStatus")),
				"400": reply("Neither given, or a malformed id or number", ERRORS),
				"403": reply("Not a sister system", ERRORS),
				"404": reply("No case of the caller has this id or number", ERRORS),
			},
		}
	},
	f"{V1}.openapi": {
		"get": {
			"operationId": "openapi",
			"summary": "This document",
			"security": [],
			"responses": {"200": reply("OpenAPI 3.1", {"type": "object", "required": ["openapi", "paths"]})},
		}
	},
	f"{OPEN311}.services": {
		"get": {
			"operationId": "open311_services",
			"summary": "Open311 GeoReport v2: service list (the leaf case categories), public",
			"security": [],
			"responses": {"200": reply("Services", {"type": "array", "items": ref("Open311Service")})},
		}
	},
	f"{OPEN311}.service_definition": {
		"get": {
			"operationId": "open311_service_definition",
			"summary": "Open311 GeoReport v2: the attributes of a service, public",
			"security": [],
			"parameters": [
				{"name": "service_code", "in": "query", "required": True, "schema": {"type": "string"}}
			],
			"responses": {
				"200": reply("Definition", ref("Open311ServiceDefinition")),
				"404": reply("Unknown service", OPEN311_ERRORS),
			},
		}
	},
	f"{OPEN311}.requests": {
		"post": {
			"operationId": "open311_post_request",
			"summary": "Open311 GeoReport v2: create a service request (a case)",
			"parameters": [
				{
					"name": "Idempotency-Key",
					"in": "header",
					"required": False,
					"schema": {"type": "string", "pattern": engine.EXTERNAL_ID.pattern},
				}
			],
			"requestBody": {
				"required": True,
				"content": {
					"application/x-www-form-urlencoded": {
						"schema": {
							"type": "object",
							"required": ["service_code", "description"],
							"properties": {
								k: {"type": "string"}
								for k in (
									"service_code",
									"description",
									"address_string",
									"lat",
									"long",
									"first_name",
									"last_name",
									"phone",
									"email",
									"api_key",
									"attribute[matter_type]",
									"attribute[incident_date]",
									"attribute[amount_in_dispute]",
									"attribute[receiving_center]",
								)
							},
						}
					}
				},
			},
			"responses": {
				"201": reply("Created", {"type": "array", "items": ref("Open311Created")}),
				"200": reply("A replay", {"type": "array", "items": ref("Open311Created")}),
				"400": reply("Bad request", OPEN311_ERRORS),
				"401": reply("No api_key nor token", OPEN311_ERRORS),
				"403": reply("Not a sister system's key", OPEN311_ERRORS),
				"409": reply("Key used for a different request", OPEN311_ERRORS),
				"500": reply("A fault of the server; nothing saved", OPEN311_ERRORS),
				"503": reply("Busy: send again with the same Idempotency-Key", OPEN311_ERRORS),
			},
		},
		"get": {
			"operationId": "open311_get_requests",
			"summary": "Open311 GeoReport v2: the caller's service requests, by id (comma-separated, overrides "
			"the rest) or the most recent (default: the last 90 days, at most 1000)",
			"parameters": [
				{"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
				for name in (
					"service_request_id",
					"service_code",
					"start_date",
					"end_date",
					"status",
					"api_key",
				)
			],
			"responses": {
				"200": reply("Requests", {"type": "array", "items": ref("Open311ServiceRequest")}),
				"400": reply("Bad filter", OPEN311_ERRORS),
				"401": reply("No api_key nor token", OPEN311_ERRORS),
				"403": reply("Not a sister system", OPEN311_ERRORS),
			},
		},
	},
	f"{OPEN311}.request": {
		"get": {
			"operationId": "open311_get_request",
			"summary": "Open311 GeoReport v2: one service request",
			"parameters": [
				{"name": "service_request_id", "in": "query", "required": True, "schema": {"type": "string"}}
			],
			"responses": {
				"200": reply("The request", {"type": "array", "items": ref("Open311ServiceRequest")}),
				"401": reply("No api_key nor token", OPEN311_ERRORS),
				"403": reply("Not a sister system", OPEN311_ERRORS),
				"404": reply("Not found", OPEN311_ERRORS),
			},
		}
	},
}


def document(server_url: str = "") -> dict:
	return {
		"openapi": "3.1.0",
		"info": {
			"title": "Zongzhi Center — sister-system API (五源汇聚)",
			"version": "1.0.0",
			"description": "Cases from the 12345 hotline, 110 police, courts, the petition system and grid "
			"apps. Each system signs in with its own API key and secret (Authorization: token key:secret), "
			"sees only the cases it sent, and is told of status changes by a signed webhook.",
		},
		"servers": [{"url": server_url}] if server_url else [],
		"security": [{"token": []}],
		"components": {
			"securitySchemes": {
				"token": {
					"type": "apiKey",
					"in": "header",
					"name": "Authorization",
					"description": "token <api_key>:<api_secret>",
				}
			},
			"schemas": SCHEMAS,
		},
		"paths": PATHS,
	}
