"""Strict validation of Xero-format bodies against the facts of Xero's own OpenAPI spec.

Those facts (types, formats, enums, required fields, references between schemas) are in the committed
`tests/schema/xero_schema.json`, written from Xero's spec by `tests/schema/make_schema.py` (see there, and
README "Regenerating" for how to rewrite it); no test reads the spec itself. They are made strict here: every object
schema with `properties` gets `additionalProperties: false`, so a field the spec does not know fails, as does a
wrong type or enum. `format: uuid` is checked. Use:

    from tests.xero_schema import validate, validate_response
    validate(body, "Invoices")                  # accounting component schema by name
    validate(body, "Connection", spec="identity")
    validate(body, "WebhookEvent", spec="webhooks")
    validate_response(httpx_response)           # picks the schema from the request's path, method and status

Two bodies Xero sends are not in the spec and are checked against schemas written here from Xero's documented
shapes: the identity layer's 401/403 problem details (`Problem`) and OAuth token-endpoint errors (`OAuthError`).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

FACTS = Path(__file__).resolve().parent / "schema" / "xero_schema.json"
LOCAL_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "type": "object",
        "properties": {
            "Type": {"type": ["string", "null"]},
            "Title": {"type": "string"},
            "Status": {"type": "integer"},
            "Detail": {"type": "string"},
            "Instance": {"type": "string"},
            "Extensions": {"type": "object"},
        },
        "required": ["Title", "Status", "Detail"],
        "additionalProperties": False,
    },
    "OAuthError": {
        "type": "object",
        "properties": {
            "error": {"enum": ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                               "unsupported_grant_type", "invalid_scope"]},
            "error_description": {"type": "string"},
        },
        "required": ["error"],
        "additionalProperties": False,
    },
}
# accounting resources under /api.xro/2.0/ and the schema of their 200 responses
RESOURCE_SCHEMAS = {"organisation": "Organisations", "accounts": "Accounts", "taxrates": "TaxRates",
                    "contacts": "Contacts", "invoices": "Invoices", "payments": "Payments",
                    "creditnotes": "CreditNotes"}
# replies under a record (`/CreditNotes/{id}/Allocations`) by method: Xero answers a DELETE with the one record
SUB_SCHEMAS = {("allocations", "PUT"): "Allocations", ("allocations", "DELETE"): "Allocation"}
TEXT_STATUSES = {404, 413, 429, 500, 503}


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def _named_refs(node: Any, spec: str) -> Any:
    """The facts' ``{"$ref": "Name"}`` as a reference into that spec's resource of the registry."""
    if isinstance(node, dict):
        if "$ref" in node:
            return {"$ref": f"urn:xero:{spec}#/definitions/{node['$ref']}"}
        return {k: _named_refs(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [_named_refs(v, spec) for v in node]
    return node


@functools.cache
def _facts() -> dict[str, dict[str, Any]]:
    return json.loads(FACTS.read_text(encoding="utf-8"))["schemas"]


@functools.cache
def _registry() -> Registry:
    registry = Registry()
    for spec, schemas in _facts().items():
        contents = {"definitions": {name: _strict(_named_refs(schema, spec)) for name, schema in schemas.items()}}
        registry = registry.with_resource(f"urn:xero:{spec}", Resource.from_contents(contents, DRAFT4))
    return registry


@functools.cache
def _validator(name: str, spec: str) -> Draft4Validator:
    if spec == "local":
        schema = copy.deepcopy(LOCAL_SCHEMAS[name])
    elif name in _facts().get(spec, {}):
        schema = {"$ref": f"urn:xero:{spec}#/definitions/{name}"}
    else:
        raise KeyError(f"{FACTS.name} has no {spec} schema {name!r}: add it to ROOTS in tests/schema/make_schema.py "
                       "and regenerate")
    return Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker(formats=["uuid"]))


def errors(instance: Any, name: str, spec: str = "accounting") -> list[str]:
    """Every way `instance` breaks schema `name` (empty when it conforms)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in _validator(name, spec).iter_errors(instance)]


def validate(instance: Any, name: str, spec: str = "accounting") -> None:
    found = errors(instance, name, spec)
    assert not found, f"body does not match {spec} schema {name}:\n  " + "\n  ".join(found[:20])


def validate_array(instance: Any, name: str, spec: str) -> None:
    assert isinstance(instance, list), f"expected a JSON array of {name}"
    for item in instance:
        validate(item, name, spec)


def _json(response: Any) -> Any:
    ctype = response.headers.get("content-type", "")
    assert ctype.startswith("application/json"), f"{response.request.url}: expected JSON, got {ctype!r}"
    return json.loads(response.content)


def validate_response(response: Any) -> None:
    """Check an httpx response from the sandbox against the schema for its path, method and status."""
    path = urlsplit(str(response.request.url)).path.lower().rstrip("/")
    method, status = response.request.method, response.status_code
    if path.startswith("/_sandbox"):
        return
    if status in (301, 302, 303, 307):
        assert response.headers.get("location"), "redirect without Location"
        return
    if status in TEXT_STATUSES:
        assert response.headers.get("content-type", "").startswith("text/plain") and response.content
        return
    if path == "/connect/token":
        if status == 200:  # Xero's replies also say what was granted (`scope`), which the spec leaves out
            body = _json(response)
            assert isinstance(body.get("scope"), str) and body["scope"], "a token reply says its scope"
            validate({k: v for k, v in body.items() if k != "scope"}, "AccessToken", "identity")
        else:
            validate(_json(response), "OAuthError", "local")
        return
    if path == "/connect/revocation":
        if status == 200:
            assert response.content == b""
        else:
            validate(_json(response), "OAuthError", "local")
        return
    if path.startswith("/identity/"):
        assert response.headers.get("content-type", "").startswith("text/html"), "sign-in pages are HTML"
        return
    if status in (401, 403):
        validate(_json(response), "Problem", "local")
        return
    if path.startswith("/connections"):
        if method == "DELETE":
            assert status == 204 and response.content == b""
        else:
            assert status == 200
            validate_array(_json(response), "Connection", "identity")
        return
    assert path.startswith("/api.xro/2.0/"), f"unexpected path {path}"
    if status in (400, 501):  # refused, or (501) an operation the sandbox deliberately leaves out
        validate(_json(response), "Error")
        return
    assert status == 200, f"unexpected status {status} for {method} {path}"
    parts = path.split("/")
    if len(parts) > 5:
        validate(_json(response), SUB_SCHEMAS[parts[5], method])
        return
    validate(_json(response), RESOURCE_SCHEMAS[parts[3]])
