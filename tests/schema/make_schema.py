"""Write ``tests/schema/xero_schema.json``: the facts of Xero's OpenAPI spec that the tests validate against.

    python tests/schema/make_schema.py PATH/TO/xero-openapi      # rewrites tests/schema/xero_schema.json
    python tests/schema/make_schema.py PATH/TO/xero-openapi --out FILE

The input is a copy of Xero's official spec (github.com/XeroAPI/Xero-OpenAPI): ``xero_accounting.yaml``,
``xero-identity.yaml`` and ``xero-webhooks.yaml``. The output holds, for the schemas the tests name (``ROOTS``)
and every schema they reach, only what a validator checks: types, formats, enums, required fields, length and
range limits, items, properties and references, each ``$ref`` written as the plain name of a schema of the same
spec; and every operation (method, path, operationId), for the walk of the sandbox's routes. Descriptions,
examples and ``x-`` extensions are dropped; OpenAPI 3.1's ``oneOf`` of ``const`` branches
becomes an ``enum``. A keyword this script does not know stops it, so a newer spec never loses a constraint
silently. The output is deterministic: regenerating from the same spec gives the same file.

The tests read only the JSON (``tests/xero_schema.py``), never the spec: a clone of the repository runs them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent / "xero_schema.json"
#: spec name -> (file in the spec folder, the schemas the tests validate bodies against)
ROOTS: dict[str, tuple[str, list[str]]] = {
    "accounting": ("xero_accounting.yaml",
                   ["Organisations", "Accounts", "TaxRates", "Contacts", "Invoices", "Payments", "CreditNotes",
                    "Allocations", "Error"]),
    "identity": ("xero-identity.yaml", ["Connection", "AccessToken"]),
    "webhooks": ("xero-webhooks.yaml", ["WebhookEvent"]),
}
HTTP_METHODS = ("get", "put", "post", "patch", "delete")
KEEP = {"type", "format", "enum", "required", "maxLength", "minLength", "minimum", "maximum", "pattern",
        "additionalProperties"}
NESTED = {"items", "allOf", "anyOf", "oneOf", "not"}
DROP = {"description", "example", "examples", "externalDocs", "readOnly", "writeOnly", "default", "title",
        "deprecated"}
REF_PREFIX = "#/components/schemas/"


class SpecError(ValueError):
    pass


def _ref_name(ref: str, where: str) -> str:
    if not ref.startswith(REF_PREFIX) or "/" in ref[len(REF_PREFIX):]:
        raise SpecError(f"{where}: only references to whole component schemas are supported, got {ref!r}")
    return ref[len(REF_PREFIX):]


def _const_branches(branches: list[Any]) -> list[Any] | None:
    """The values of a ``oneOf`` whose every branch is just a ``const`` (with a type or a description)."""
    if not all(isinstance(b, dict) and "const" in b and set(b) <= {"const", "type", "description"}
               for b in branches):
        return None
    return [b["const"] for b in branches]


def compact(node: Any, where: str, refs: set[str]) -> Any:
    """The validation facts of one schema node; the names it references are added to ``refs``."""
    if not isinstance(node, dict):
        raise SpecError(f"{where}: expected a schema object, got {type(node).__name__}")
    if "$ref" in node:  # JSON Schema draft 4: a reference's sibling keywords are ignored, so they are dropped
        name = _ref_name(node["$ref"], where)
        refs.add(name)
        return {"$ref": name}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROP or key.startswith("x-"):
            continue
        if key in KEEP:
            out[key] = value
        elif key == "const":
            out["enum"] = [value]
        elif key == "properties":
            out["properties"] = {name: compact(sub, f"{where}.{name}", refs) for name, sub in value.items()}
        elif key == "oneOf" and (values := _const_branches(value)) is not None:
            out["enum"] = values
        elif key in NESTED:
            if isinstance(value, list):
                out[key] = [compact(sub, f"{where}.{key}[{i}]", refs) for i, sub in enumerate(value)]
            else:
                out[key] = compact(value, f"{where}.{key}", refs)
        else:
            raise SpecError(f"{where}: keyword {key!r} is not known to make_schema.py; decide whether it "
                            "constrains bodies (add it to KEEP) or not (DROP)")
    return out


def build(spec_dir: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "about": "Facts from Xero's OpenAPI spec for the tests; written by tests/schema/make_schema.py, do not "
                 "edit by hand. $ref values name a schema of the same spec.",
        "source": {},
        "schemas": {},
        "operations": {},
    }
    for spec, (filename, roots) in ROOTS.items():
        raw = (spec_dir / filename).read_bytes()
        doc = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        components = doc["components"]["schemas"]
        schemas: dict[str, Any] = {}
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name in schemas:
                continue
            if name not in components:
                raise SpecError(f"{filename}: no schema called {name!r}")
            refs: set[str] = set()
            schemas[name] = compact(components[name], f"{filename}:{name}", refs)
            todo += sorted(refs)
        result["source"][spec] = {"file": filename, "version": str(doc["info"]["version"]),
                                  "sha256": hashlib.sha256(raw).hexdigest(), "roots": roots}
        result["schemas"][spec] = dict(sorted(schemas.items()))
        result["operations"][spec] = sorted([method.upper(), path, op.get("operationId", "")]
                                            for path, ops in (doc.get("paths") or {}).items()
                                            for method, op in ops.items() if method in HTTP_METHODS)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec_dir", type=Path, help="the folder with Xero's OpenAPI YAML files")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT.name} beside this)")
    args = parser.parse_args(argv)
    try:
        facts = build(args.spec_dir)
    except (OSError, SpecError, KeyError) as exc:
        print(f"make_schema.py: {exc}", file=sys.stderr)
        return 1
    args.out.write_text(json.dumps(facts, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = ", ".join(f"{spec} {len(s)}" for spec, s in facts["schemas"].items())
    print(f"wrote {args.out} (schemas: {counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
