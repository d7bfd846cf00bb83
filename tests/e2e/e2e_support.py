"""Helpers shared by the end-to-end tests: schema validation of the files
the host writes."""
import json
import pathlib

import jsonschema
from jsonschema import Draft202012Validator


def results_validator(schemas_dir):
    """A validator of results.json that resolves the schemas' references to
    each other from `schemas_dir`, offline."""
    schemas = {p.name: json.loads(p.read_text()) for p in pathlib.Path(schemas_dir).glob("*.schema.json")}
    store = {s["$id"]: s for s in schemas.values()} | schemas
    results = schemas["results.schema.json"]
    resolver = jsonschema.RefResolver(base_uri=results["$id"], referrer=results, store=store)
    return Draft202012Validator(results, resolver=resolver)
